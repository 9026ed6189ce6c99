package io.moodbox.music;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.LongSupplier;

/**
 * {@code music.output=auto}: the system's sound card when there is one; otherwise a silent
 * stand-in that paces like a speaker, so the box still moves through tracks and the page says why
 * nothing is heard. Looks for a sound card again every {@link #PROBE_EVERY_NS} while silent and
 * switches to it mid-track; a card that vanishes mid-track hands over to the stand-in. Called
 * only from the player's audio thread.
 */
final class AutoSink implements AudioSink {
    private static final Logger log = LoggerFactory.getLogger(AutoSink.class);
    static final long PROBE_EVERY_NS = AUTO_PROBE_SECONDS * 1_000_000_000L;

    private final AudioSink card, standIn;
    private final LongSupplier nanos;
    private AudioSink current;
    private int rate, channels;
    private long nextProbe;

    AutoSink(AudioSink card, AudioSink standIn, LongSupplier nanos) {
        this.card = card;
        this.standIn = standIn;
        this.nanos = nanos;
    }

    @Override
    public void open(int sampleRate, int channels) {
        this.rate = sampleRate;
        this.channels = channels;
        if (tryCard()) return;
        standIn.open(sampleRate, channels);
        current = standIn;
    }

    /** Opens the sound card; false (and the stand-in stays) when there is none. */
    private boolean tryCard() {
        nextProbe = nanos.getAsLong() + PROBE_EVERY_NS;
        try {
            card.open(rate, channels);
        } catch (NoDeviceException e) {
            if (current != standIn) log.warn("No sound card found ({}): playing silently so the box still moves "
                    + "through tracks; looking again every {} s", e.getMessage(), PROBE_EVERY_NS / 1_000_000_000L);
            return false;
        }
        if (current == standIn) {
            standIn.close();
            log.info("A sound card is there now: the music is heard again");
        }
        current = card;
        return true;
    }

    @Override
    public int sampleRate() { return current == null ? 0 : current.sampleRate(); }

    @Override
    public void write(short[] pcm, int frames) {
        if (current == null) throw new NoDeviceException("the output is not open");
        if (current == standIn && nanos.getAsLong() >= nextProbe) tryCard();
        try {
            current.write(pcm, frames);
        } catch (NoDeviceException e) {
            if (current != card) throw e;
            log.warn("The sound card went away ({}): playing silently until one is back", e.getMessage());
            card.close();
            standIn.open(rate, channels);
            current = standIn;
            nextProbe = nanos.getAsLong() + PROBE_EVERY_NS;
            standIn.write(pcm, frames);
        }
    }

    @Override
    public void drain() { if (current != null) current.drain(); }

    @Override
    public void flush() { if (current != null) current.flush(); }

    @Override
    public void close() {
        if (current != null) current.close();
        current = null;
    }

    @Override
    public String describe() {
        return current == card ? card.describe() : "none: no sound card was found";
    }

    @Override
    public boolean audible() { return current == card; }
}
