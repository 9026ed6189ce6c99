package io.moodbox.trainer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;

import java.util.ArrayList;
import java.util.List;

/**
 * Mini-Xception (Arriaga, Valdenegro-Toro, Ploger 2017) as DJL blocks, NCHW.
 *
 * <p>Two valid 3x3 convs (8), four residual modules of two depthwise-separable 3x3 convs
 * (16/32/64/128) with a strided 1x1 shortcut, a 3x3 conv to the classes and global average
 * pooling. Max pooling uses TensorFlow's SAME padding (extra row/column at the end for even
 * sizes) so the exported TFLite graph computes exactly what was trained.
 *
 * <p>{@link #layers()} names every weight-bearing block in graph order for the weight writer.
 */
final class MiniXception {
    static final int[] MODULE_FILTERS = {16, 32, 64, 128};
    /** Batch-norm epsilon (Keras's 1e-3); the exporter folds with the same value. */
    static final float BN_EPSILON = 1e-3f;

    /** A named weight-bearing block: conv weights or batch-norm statistics. */
    record Named(String name, Block block) {}

    private final List<Named> layers = new ArrayList<>();
    private final SequentialBlock net;

    private final float bnMomentum;

    MiniXception(int classes) { this(classes, 0.99f); }

    /** {@code bnMomentum}: the running statistics' momentum (SWA re-estimates them faster). */
    MiniXception(int classes, float bnMomentum) {
        this.bnMomentum = bnMomentum;
        net = new SequentialBlock();
        net.add(conv("conv1", 8, 3, 1, 0, 1, false)).add(bn("conv1.bn")).add(Activation.reluBlock());
        net.add(conv("conv2", 8, 3, 1, 0, 1, false)).add(bn("conv2.bn")).add(Activation.reluBlock());
        int in = 8;
        for (int m = 0; m < MODULE_FILTERS.length; m++) {
            int f = MODULE_FILTERS[m];
            String p = "module" + (m + 1);
            SequentialBlock main = new SequentialBlock()
                    .add(conv(p + ".sep1.dw", in, 3, 1, 1, in, false))
                    .add(conv(p + ".sep1.pw", f, 1, 1, 0, 1, false))
                    .add(bn(p + ".sep1.bn"))
                    .add(Activation.reluBlock())
                    .add(conv(p + ".sep2.dw", f, 3, 1, 1, f, false))
                    .add(conv(p + ".sep2.pw", f, 1, 1, 0, 1, false))
                    .add(bn(p + ".sep2.bn"))
                    .add(tfSameMaxPool());
            SequentialBlock shortcut = new SequentialBlock()
                    .add(conv(p + ".res", f, 1, 2, 0, 1, false))
                    .add(bn(p + ".res.bn"));
            net.add(new ParallelBlock(
                    list -> new NDList(list.get(0).singletonOrThrow().add(list.get(1).singletonOrThrow())),
                    List.of(main, shortcut)));
            in = f;
        }
        net.add(conv("head", classes, 3, 1, 1, 1, true));
        net.add(Pool.globalAvgPool2dBlock());
    }

    Block block() { return net; }

    List<Named> layers() { return layers; }

    private Block conv(String name, int filters, int k, int stride, int pad, int groups, boolean bias) {
        Block b = Conv2d.builder()
                .setKernelShape(new Shape(k, k))
                .setFilters(filters)
                .optStride(new Shape(stride, stride))
                .optPadding(new Shape(pad, pad))
                .optGroups(groups)
                .optBias(bias)
                .build();
        layers.add(new Named(name, b));
        return b;
    }

    private Block bn(String name) {
        Block b = BatchNorm.builder().optEpsilon(BN_EPSILON).optMomentum(bnMomentum).build();
        layers.add(new Named(name, b));
        return b;
    }

    /** 3x3/2 max pool with TF SAME padding: out = ceil(in/2), the odd pad goes at the end. */
    private static Block tfSameMaxPool() {
        Block pool = Pool.maxPool2dBlock(new Shape(3, 3), new Shape(2, 2), new Shape(0, 0));
        return new SequentialBlock()
                .add(new LambdaBlock(list -> new NDList(padSame(list.singletonOrThrow())), "tfSamePad"))
                .add(pool);
    }

    static int[] samePads(int size) {
        int out = (size + 1) / 2;
        int total = Math.max((out - 1) * 2 + 3 - size, 0);
        return new int[] {total / 2, total - total / 2};
    }

    static NDArray padSame(NDArray x) {
        long h = x.getShape().get(2), w = x.getShape().get(3);
        int[] ph = samePads((int) h), pw = samePads((int) w);
        x = padAxis(x, 2, ph[0], ph[1]);
        return padAxis(x, 3, pw[0], pw[1]);
    }

    private static NDArray padAxis(NDArray x, int axis, int before, int after) {
        if (before == 0 && after == 0) return x;
        NDList parts = new NDList();
        long[] dims = x.getShape().getShape();
        if (before > 0) { dims[axis] = before; parts.add(x.getManager().full(new Shape(dims), -1e9f)); }
        parts.add(x);
        if (after > 0) { dims = x.getShape().getShape(); dims[axis] = after; parts.add(x.getManager().full(new Shape(dims), -1e9f)); }
        return NDArrays.concat(parts, axis);
    }
}
