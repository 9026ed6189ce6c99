package io.moodbox.device;

import io.moodbox.box.BoxState;
import io.moodbox.device.DeviceConfig.LedKind;
import io.moodbox.device.LedPattern.Signal;
import io.moodbox.device.LedPattern.Step;
import io.moodbox.emotion.Emotion;
import io.moodbox.mood.MoodState;
import io.moodbox.music.PlayerStatus;

import java.util.ArrayList;
import java.util.List;

/**
 * The LED's whole policy as a pure function: {@link BoxState} to {@link LedPattern}.
 *
 * <p>One rule matters above the rest: <b>while the camera is live the LED is lit</b>, steadily
 * and brightly, at least 3/4 of the time and never dark for more than 150 ms, so anyone in the
 * room can tell. Every other signal is dark at least half the time, so the two can never be
 * confused. Only an error joins the live signal (a brief red or dark flicker within the light);
 * nothing else is shown while live, except that the RGB LED takes the colour of the room's mood
 * once a face is seen.
 */
final class LedPatterns {
    private LedPatterns() {}

    /** Which signal wins for this state. */
    static Signal signal(BoxState s) {
        boolean error = !s.problems().isEmpty();
        if (s.cameraLive()) {
            if (error) return Signal.ERROR_LIVE;
            MoodState m = s.mood();
            return m != null && m.presence() == MoodState.Presence.PRESENT ? Signal.FACE_SEEN : Signal.CAMERA_LIVE;
        }
        if (error) return Signal.ERROR;
        if (s.phase() == BoxState.Phase.STOPPING) return Signal.OFF;
        if (s.phase() == BoxState.Phase.STARTING) return Signal.STARTING;
        if (s.privacy()) return Signal.PRIVACY;
        PlayerStatus p = s.player();
        if (p != null && p.state() == PlayerStatus.State.PLAYING) return Signal.PLAYING;
        if (p != null && p.state() == PlayerStatus.State.PAUSED) return Signal.PAUSED;
        return Signal.OFF;
    }

    /** The pattern for this state on this kind of LED ({@code NONE} gets the single-LED pattern). */
    static LedPattern of(BoxState s, LedKind kind) {
        Signal signal = signal(s);
        return kind == LedKind.RGB ? rgb(signal, moodColour(s)) : single(signal);
    }

    /** Blink patterns for one LED: on-dominant when live, off-dominant otherwise. */
    static LedPattern single(Signal signal) {
        Rgb on = Rgb.WHITE, off = Rgb.OFF;
        return switch (signal) {
            case OFF -> LedPattern.steady(signal, off);
            case CAMERA_LIVE -> LedPattern.steady(signal, on);
            // A short wink every two seconds: "I see you".
            case FACE_SEEN -> new LedPattern(signal, List.of(Step.hold(on, 1850), Step.hold(off, 150)));
            // Lit, with a stutter of two quick dark gaps.
            case ERROR_LIVE -> new LedPattern(signal, List.of(Step.hold(on, 1200), Step.hold(off, 100),
                    Step.hold(on, 100), Step.hold(off, 100), Step.hold(on, 100), Step.hold(off, 100)));
            case ERROR -> new LedPattern(signal, List.of(Step.hold(on, 100), Step.hold(off, 100), Step.hold(on, 100),
                    Step.hold(off, 100), Step.hold(on, 100), Step.hold(off, 900)));
            case STARTING -> new LedPattern(signal, List.of(Step.hold(on, 500), Step.hold(off, 500)));
            case PRIVACY -> new LedPattern(signal, List.of(Step.hold(on, 60), Step.hold(off, 2940)));
            case PLAYING -> new LedPattern(signal, List.of(Step.hold(on, 150), Step.hold(off, 1850)));
            case PAUSED -> new LedPattern(signal, List.of(Step.hold(on, 150), Step.hold(off, 150), Step.hold(on, 150),
                    Step.hold(off, 1550)));
        };
    }

    /** Colour patterns for an RGB LED; {@code mood} colours face-seen, playing and paused. */
    static LedPattern rgb(Signal signal, Rgb mood) {
        return switch (signal) {
            case OFF -> LedPattern.steady(signal, Rgb.OFF);
            case CAMERA_LIVE -> LedPattern.steady(signal, Rgb.WHITE);
            case FACE_SEEN -> LedPattern.steady(signal, mood);
            // Stays fully lit (white) with a red flash: live and error both readable.
            case ERROR_LIVE -> new LedPattern(signal, List.of(Step.hold(Rgb.WHITE, 1200), Step.hold(Rgb.RED, 300)));
            case ERROR -> new LedPattern(signal, List.of(Step.hold(Rgb.RED, 150), Step.hold(Rgb.OFF, 150),
                    Step.hold(Rgb.RED, 150), Step.hold(Rgb.OFF, 150), Step.hold(Rgb.RED, 150), Step.hold(Rgb.OFF, 1050)));
            // Breathes, never above 40 %: clearly not the live light.
            case STARTING -> breathe(signal, Rgb.WHITE.scale(0.4), 2000);
            case PRIVACY -> new LedPattern(signal, List.of(Step.hold(PRIVACY_VIOLET, 80), Step.hold(Rgb.OFF, 2920)));
            case PLAYING -> breathe(signal, dim(mood, 0.35), 4000);
            case PAUSED -> LedPattern.steady(signal, dim(mood, 0.25));
        };
    }

    static final Rgb PRIVACY_VIOLET = new Rgb(0.25, 0, 0.6);

    /** The room's settled mood as a colour; distinct hues, none of them the live white. */
    static Rgb colour(Emotion e) {
        return switch (e) {
            case ANGRY -> new Rgb(1, 0, 0);
            case DISGUST -> new Rgb(0.55, 1, 0);
            case FEAR -> new Rgb(0.6, 0, 1);
            case HAPPY -> new Rgb(1, 0.7, 0);
            case SAD -> new Rgb(0, 0.25, 1);
            case SURPRISE -> new Rgb(1, 0, 0.55);
            case NEUTRAL -> new Rgb(0, 0.85, 0.75);
        };
    }

    /** The name of {@link #colour}'s hue, for the page. */
    static String colourName(Emotion e) {
        return switch (e) {
            case ANGRY -> "red";
            case DISGUST -> "lime";
            case FEAR -> "purple";
            case HAPPY -> "amber";
            case SAD -> "blue";
            case SURPRISE -> "pink";
            case NEUTRAL -> "teal";
        };
    }

    /** How the pattern for this state looks, in words: {@code "teal, steady"}. */
    static String look(BoxState s, LedKind kind) {
        Signal signal = signal(s);
        if (kind != LedKind.RGB) {
            return switch (signal) {
                case OFF -> "off";
                case CAMERA_LIVE -> "on, steady";
                case FACE_SEEN -> "on, with a wink every 2 s";
                case ERROR_LIVE -> "on, with a stutter";
                case ERROR -> "three quick blinks every 2 s";
                case STARTING -> "blinking once a second";
                case PRIVACY -> "a blip every 3 s";
                case PLAYING -> "a blink every 2 s";
                case PAUSED -> "two blinks every 2 s";
            };
        }
        String mood = colourName(s.mood() == null || s.mood().mood() == null ? Emotion.NEUTRAL : s.mood().mood());
        return switch (signal) {
            case OFF -> "off";
            case CAMERA_LIVE -> "white, steady";
            case FACE_SEEN -> mood + ", steady";
            case ERROR_LIVE -> "white with a red flash";
            case ERROR -> "red, three flashes every 2 s";
            case STARTING -> "dim white, breathing";
            case PRIVACY -> "violet blip every 3 s";
            case PLAYING -> mood + ", breathing";
            case PAUSED -> "dim " + mood + ", steady";
        };
    }

    /** What the LED tells the room in this state, in words: {@code "watching, someone is here (happy)"}. */
    static String meaning(BoxState s) {
        return switch (signal(s)) {
            case OFF -> s.phase() == BoxState.Phase.STOPPING ? "the box is stopping"
                    : "not watching, no music playing";
            case CAMERA_LIVE -> "watching, nobody seen";
            case FACE_SEEN -> "watching, someone is here (" + s.mood().mood().label() + ")";
            case ERROR_LIVE -> "watching, and something needs your attention";
            case ERROR -> "something needs your attention, not watching";
            case STARTING -> "starting up";
            case PRIVACY -> "privacy on, the camera is off";
            case PLAYING -> "music playing, not watching";
            case PAUSED -> "music paused, not watching";
        };
    }

    /** A colour as CSS writes it, {@code #rrggbb}. */
    static String css(Rgb c) {
        return String.format(java.util.Locale.ROOT, "#%02x%02x%02x", Math.round(c.r() * 255), Math.round(c.g() * 255),
                Math.round(c.b() * 255));
    }

    private static Rgb moodColour(BoxState s) {
        MoodState m = s.mood();
        return colour(m == null || m.mood() == null ? Emotion.NEUTRAL : m.mood());
    }

    /** Scales a colour so its brightest channel is {@code level}. */
    private static Rgb dim(Rgb c, double level) {
        double max = c.max();
        return max == 0 ? c : c.scale(level / max);
    }

    private static LedPattern breathe(Signal signal, Rgb peak, int periodMs) {
        Rgb low = peak.scale(0.1);
        List<Step> steps = new ArrayList<>();
        steps.add(Step.ramp(low, peak, periodMs / 2));
        steps.add(Step.ramp(peak, low, periodMs / 2));
        return new LedPattern(signal, steps);
    }
}
