package io.moodbox.vision;

import org.bytedeco.opencv.opencv_core.Mat;

import java.util.List;

/** One detection method. Gets the frame in colour and in gray (both full size); returns boxes in frame pixels. */
interface FaceDetector extends AutoCloseable {
    List<Box> detect(Mat bgr, Mat gray);

    /** How a FER2013-style crop is placed around this detector's box (measured, see README). */
    CropGeometry crop();

    String name();

    @Override void close();
}
