#!/bin/sh
# Fetches face-api.js's SSD-MobileNetV1 face detector weights (MIT) from the npm package
# @vladmandic/face-api into the build output, so the jar carries them. Never committed.
# Never fails the build: without npm or the network the box uses the Haar cascades instead.
#   src/build/fetch-face-api.sh OUTPUT_DIR
exec sh "$(dirname "$0")/fetch-npm.sh" "${1:?usage: fetch-face-api.sh OUTPUT_DIR}" face-api \
  "@vladmandic/face-api@1.7.15" 300 "building without the SSD face detector; the Haar cascades will be used" \
  model/ssd_mobilenetv1_model.bin=2835640602d53718aa6ae9a42896327eaa21beefed056c218d32ca7d79e1e2f8 \
  model/ssd_mobilenetv1_model-weights_manifest.json=888f744dffbc84f5f060d1f8427d9742341943a2dfaaf9205d10029b7e7a2955
