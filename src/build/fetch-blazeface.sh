#!/bin/sh
# Fetches MediaPipe's BlazeFace full-range face detector (Apache-2.0) from the npm package
# @mediapipe/face_detection into the build output, so the jar carries it. Never committed.
# Never fails the build: without npm or the network the box uses the Haar cascade instead.
#   src/build/fetch-blazeface.sh OUTPUT_DIR
exec sh "$(dirname "$0")/fetch-npm.sh" "${1:?usage: fetch-blazeface.sh OUTPUT_DIR}" blazeface \
  "@mediapipe/face_detection@0.4.1657300184" 180 "building without BlazeFace; the Haar cascade will be used" \
  face_detection_full_range.tflite=99bf9494d84f50acc6617d89873f71bf6635a841ea699c17cb3377f9507cfec3
