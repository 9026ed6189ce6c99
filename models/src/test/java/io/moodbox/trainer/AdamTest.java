package io.moodbox.trainer;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.initializer.Initializer;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** A NaN gradient stops the run before it reaches any weight or moment. */
class AdamTest {
    static {
        System.setProperty("ai.djl.offline", "true");
    }

    private static Parameter parameter(NDManager manager, String name) {
        Parameter p = Parameter.builder().setName(name).setType(Parameter.Type.WEIGHT).optShape(new Shape(4))
                .optInitializer(Initializer.ONES).build();
        p.initialize(manager, DataType.FLOAT32);
        return p;
    }

    /** Backward of sum(a * ka) + sum(b * kb): the gradients are ka and kb. */
    private static void backward(Parameter a, float[] ka, Parameter b, float[] kb) {
        NDManager m = a.getArray().getManager();
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray y = a.getArray().mul(m.create(ka)).sum().add(b.getArray().mul(m.create(kb)).sum());
            gc.backward(y);
        }
    }

    @Test
    void aNanGradientChangesNothingAndNamesItsParameter() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            Parameter a = parameter(manager, "first"), b = parameter(manager, "second");
            var adam = new Adam(List.of(a, b), 1e-4f);
            backward(a, new float[] {1, 2, 3, 4}, b, new float[] {1, 1, 1, 1});
            adam.step(0.01f);
            assertEquals(1, adam.steps());
            float[] wa = a.getArray().toFloatArray(), wb = b.getArray().toFloatArray();
            assertTrue(wa[0] < 1 && wb[0] < 1, "a finite gradient moves the weights");
            var moments = new java.util.HashMap<String, WeightsFile.Tensor>();
            adam.save(moments);

            backward(a, new float[] {1, 1, 1, 1}, b, new float[] {1, Float.NaN, 1, 1});
            var e = assertThrows(Adam.NotFinite.class, () -> adam.step(0.01f));
            assertTrue(e.getMessage().contains("second") && e.getMessage().contains("NaN") && e.getMessage().contains("step 2"),
                    e.getMessage());
            assertArrayEquals(wa, a.getArray().toFloatArray(), "the finite parameter is not updated either");
            assertArrayEquals(wb, b.getArray().toFloatArray());
            assertEquals(1, adam.steps());
            var after = new java.util.HashMap<String, WeightsFile.Tensor>();
            adam.save(after);
            for (String k : moments.keySet()) assertArrayEquals(moments.get(k).data(), after.get(k).data(), k);
        }
    }

    @Test
    void theMessageSaysWhatIsIntactAndTheKnownCause() {
        String s = Train.stopped(new Adam.NotFinite("the loss is NaN at batch 3 of the epoch"), "The checkpoint is intact.");
        assertTrue(s.startsWith("training stopped: the loss is NaN at batch 3 of the epoch. The checkpoint is intact."), s);
        assertTrue(s.contains("glibc.malloc.perturb=255"), s);
    }
}
