package io.moodbox.web;

import io.moodbox.device.DeviceConfig;
import io.moodbox.emotion.Emotion;
import io.moodbox.mood.MoodState;
import io.moodbox.music.PlayerStatus;
import io.moodbox.music.Track;
import io.moodbox.testing.FixedLibrary;
import io.moodbox.testing.TestStates;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The page in a real headless Chromium (Debian's chromium + chromium-driver): set the password
 * with the setup code, see the mood change on a live update, use the controls, log out and in,
 * change a setting with a validation error first. Screenshots go to target/screenshots/.
 */
class PageTest extends InChromium {
    @Test
    void ownerSetsPasswordWatchesTheMoodAndChangesASetting() throws Exception {
        t = new TestServer(dir, false);
        seedLastHour();
        driver.manage().window().setSize(new Dimension(412, 915)); // a phone
        driver.get(t.base() + "/");
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(15));

        // First visit: the setup code gates choosing the password.
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("setup-form")));
        assertFalse(driver.findElement(By.id("dash")).isDisplayed(), "nothing visible before a password exists");
        type("setup-code", "WRONG-CODE1");
        type("setup-password", TestServer.PASSWORD);
        type("setup-password2", TestServer.PASSWORD);
        driver.findElement(By.cssSelector("#setup-form button[type=submit]")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("auth-error"), "wrong setup code"));
        type("setup-code", t.server.setupCode().orElseThrow());
        driver.findElement(By.cssSelector("#setup-form button[type=submit]")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("dash")));
        wait.until(textIs("mood-label", "neutral"));
        assertEquals("Sunny Road — The Larks", driver.findElement(By.id("track")).getText());
        assertTrue(driver.findElement(By.id("reason")).getText().contains("fits the happy room"));
        assertEquals("48.3 °C", driver.findElement(By.id("cpu")).getText());

        // A live update: the room turns happy.
        t.state.update(s -> TestStates.withMood(s, Emotion.HAPPY, 2));
        wait.until(textIs("mood-label", "happy"));
        wait.until(textIs("faces", "2"));
        assertEquals("70%", driver.findElement(By.cssSelector("#emotions li[data-emotion=happy] .pct")).getText());

        // Controls go through the API with the CSRF token.
        driver.findElement(By.id("btn-next")).click();
        driver.findElement(By.id("lock")).click();
        wait.until(d -> t.controls.calls().containsAll(List.of("next", "lock true")));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("mood-sub"), "held"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("library"), "Happy"));
        assertEquals("-60 min", driver.findElement(By.id("plot")).getDomAttribute("data-first-tick"), "an hour of history");
        driver.executeScript("window.scrollTo(0, 0)");
        shot("page-phone.png");
        driver.manage().window().setSize(new Dimension(412, 2400)); // the whole page, phone width
        shot("page-phone-full.png");
        driver.manage().window().setSize(new Dimension(412, 915));

        // Log out, log back in.
        driver.findElement(By.id("logout")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-form")));
        assertFalse(driver.findElement(By.id("dash")).isDisplayed());
        type("login-password", TestServer.PASSWORD);
        driver.findElement(By.cssSelector("#login-form button[type=submit]")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("dash")));

        // Settings: a bad value is refused naming the field, then a good one is saved.
        driver.findElement(By.id("nav-settings")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("set-music-volume-max")));
        // One box per group, in order; each key shown by its label, its key beside it.
        assertEquals(List.of("Room mood", "Music", "Page"),
                driver.findElements(By.cssSelector("#settings legend")).stream().map(WebElement::getText).toList());
        String volumeLabel = driver.findElement(By.cssSelector("label[for=set-music-volume-max]")).getText();
        assertTrue(volumeLabel.contains("Loudest volume") && volumeLabel.contains("music.volume-max"), volumeLabel);
        type("set-music-volume-max", "140");
        driver.findElement(By.id("save")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("settings-error")));
        assertTrue(driver.findElement(By.id("settings-error")).getText().contains("music.volume-max"));
        WebElement row = driver.findElement(By.cssSelector(".setting.invalid"));
        assertEquals("music.volume-max", row.findElement(By.tagName("input")).getAttribute("name"));
        assertEquals(0, t.settings.saves());
        shot("settings-error-phone.png");

        type("set-music-volume-max", "70");
        driver.findElement(By.id("save")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("settings-ok"), "Saved"));
        assertEquals("70", t.settings.get("music.volume-max"));
        assertTrue(driver.findElements(By.cssSelector(".setting.invalid")).isEmpty());

        driver.manage().window().setSize(new Dimension(1280, 1000));
        driver.get(t.base() + "/");
        wait.until(textIs("mood-label", "happy"));
        shot("page-desktop.png");

        assertNoScriptErrors();
    }

    @Test
    void withAnonymousStatusNeighboursSeeTheMoodButNoControls() throws Exception {
        t = new TestServer(dir, true);
        t.setUp(); // the owner exists; this browser has not logged in
        driver.manage().window().setSize(new Dimension(412, 915));
        driver.get(t.base() + "/");
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(15));
        wait.until(textIs("mood-label", "neutral"));
        assertTrue(driver.findElement(By.id("login-form")).isDisplayed());
        for (String id : new String[]{"btn-next", "volume", "lock", "privacy", "btn-rescan", "nav-settings", "logout"})
            assertFalse(driver.findElement(By.id(id)).isDisplayed(), id + " is the owner's");
        t.state.update(s -> TestStates.withMood(s, Emotion.SAD, 1));
        wait.until(textIs("mood-label", "sad"));
        shot("page-anonymous-phone.png");
    }

    @Test
    void theMoodCardSaysWhyTheSettledMoodIsNotTheTopScoreAndThePlotFitsAShortHistory() throws Exception {
        t = new TestServer(dir, true);
        seed(34);   // 170 s: a box that started three minutes ago
        driver.manage().window().setSize(new Dimension(412, 915));
        driver.get(t.base() + "/");
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(15));
        wait.until(textIs("mood-label", "neutral"));
        WebElement plot = driver.findElement(By.id("plot"));
        wait.until(d -> plot.getDomAttribute("data-first-tick") != null);
        assertEquals("-3 min", plot.getDomAttribute("data-first-tick"), "the axis starts at the oldest point, not an hour ago");
        assertEquals("180", plot.getDomAttribute("data-span-seconds"));
        assertEquals("-3 min|-2|-1|now", plot.getDomAttribute("data-ticks"));
        assertEquals("The last 3 minutes", driver.findElement(By.id("plot-h")).getText());
        assertFalse(driver.findElement(By.id("mood-leaning-box")).isDisplayed(), "the top score is the settled mood");
        assertEquals("its score now 70%", driver.findElement(By.id("mood-sub")).getText(), "the same number as its bar");

        // Sad leads, but has not held its lead long enough: the page says so, with the live settings.
        t.state.update(s -> withMood(s, TestStates.leaning(Emotion.SURPRISE, Emotion.SAD)));
        wait.until(textIs("mood-label", "surprise"));
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("mood-leaning-box")));
        assertEquals("sad (22%)", driver.findElement(By.id("mood-leaning")).getDomProperty("textContent"));
        assertEquals("its score now 9%", driver.findElement(By.id("mood-sub")).getText());
        assertEquals("9%", driver.findElement(By.cssSelector("#emotions li[data-emotion=surprise] .pct")).getText());
        assertEquals("Sad leads surprise by 13 points. The box changes the settled mood only when another one leads it"
                + " by 10 points for 0.4 s, so a passing look doesn't change the music.",
                driver.findElement(By.id("mood-why")).getText());
        driver.executeScript("document.getElementById('mood-h').scrollIntoView(); window.scrollBy(0, -70)");
        shot("page-leaning-phone.png");
        t.settings.update(Map.of("mood.switch-margin", "0.15"));
        t.state.update(s -> withMood(s, TestStates.leaning(Emotion.SURPRISE, Emotion.SAD)).withFps(9.0));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("mood-why"), "by 15 points for 0.4 s"));

        // Nobody here: no leaning, whatever the numbers say.
        MoodState away = TestStates.leaning(Emotion.SURPRISE, Emotion.SAD);
        t.state.update(s -> withMood(s, new MoodState(MoodState.Presence.NOBODY, away.mood(), away.emotions(), 0, 0, 0, 0,
                false, away.at())));
        wait.until(textIs("mood-label", "nobody here"));
        assertFalse(driver.findElement(By.id("mood-leaning-box")).isDisplayed());
        t.state.update(s -> TestStates.withMood(s, Emotion.HAPPY, 1));
        wait.until(textIs("mood-label", "happy"));
        assertFalse(driver.findElement(By.id("mood-leaning-box")).isDisplayed(), "settled and top agree again");
    }

    @Test
    void nowPlayingRunsOnWhilePlayingStopsWhenPausedAndSaysWhereTheSoundGoes() throws Exception {
        t = new TestServer(dir, true);
        driver.manage().window().setSize(new Dimension(412, 915));
        driver.get(t.base() + "/");
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(15));
        wait.until(textIs("duration", "3:20"));
        // Playing at 0:12 and no position event since: the page runs on by itself.
        wait.until(textIs("elapsed", "0:13"));
        t.state.update(s -> withPlayer(s, new PlayerStatus(PlayerStatus.State.PAUSED, FixedLibrary.SUNNY, "fits the happy room", 40, 30)));
        wait.until(textIs("elapsed", "0:30"));
        Thread.sleep(1500);
        assertEquals("0:30", driver.findElement(By.id("elapsed")).getText(), "paused: it stays put");
        String width = (String) driver.executeScript("return document.getElementById('progress-fill').style.width");
        assertEquals("15%", width, "30 s of 200 s");
        assertEquals("0:30 of 3:20", driver.findElement(By.id("progress-bar")).getDomAttribute("aria-valuetext"));
        assertFalse(driver.findElement(By.id("sound")).isDisplayed(), "no output reported, no sound line");

        String why = "No speaker: the sound card 'USB Audio' is gone; plug it back in or choose another in Settings (music.output).";
        t.state.update(s -> withPlayer(s, new PlayerStatus(PlayerStatus.State.NO_DEVICE, FixedLibrary.SUNNY, why, 40, 30)));
        wait.until(textIs("sound", "Sound: " + why));
        assertEquals("", driver.findElement(By.id("reason")).getText(), "the reason is the sound line, not a 'Why:'");
        assertTrue(driver.findElement(By.id("sound")).getDomAttribute("class").contains("warn"));
    }

    @Test
    void withoutASoundCardThePageSaysSoAndAControlsAnswerShowsBesideIt() throws Exception {
        t = new TestServer(dir, false);
        t.state.update(s -> withPlayer(s, new PlayerStatus(PlayerStatus.State.PLAYING, FixedLibrary.SUNNY, "fits the happy room",
                40, 12, "none: no sound card was found", false)));
        logInAsOwner();
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(15));
        wait.until(textIs("sound", "Sound: none: no sound card was found"));
        assertTrue(driver.findElement(By.id("sound-note")).isDisplayed(), "silent: a visible note");
        assertTrue(driver.findElement(By.id("sound-note")).getText().contains("plays on silently"));

        // Done: the box's own words, neutral.
        driver.findElement(By.id("btn-next")).click();
        wait.until(textIs("control-msg", "recorded next"));
        assertFalse(driver.findElement(By.id("control-msg")).getDomAttribute("class").contains("warn"));
        // Not done (HTTP 409): the reason, as a warning, never "ok".
        t.controls.answerWith(io.moodbox.box.Controls.Reply.refused("Nothing to skip to: the music library is empty."));
        driver.findElement(By.id("btn-next")).click();
        wait.until(textIs("control-msg", "Nothing to skip to: the music library is empty."));
        assertTrue(driver.findElement(By.id("control-msg")).getDomAttribute("class").contains("warn"));
        assertNoScriptErrors();
    }

    @Test
    void onTheMockGpioTheOwnerSeesTheLedAndPressesTheButtons() throws Exception {
        t = new TestServer(dir, false, DeviceConfig.Provider.MOCK);
        t.state.update(s -> s.withProblems(List.of("The camera stopped: /dev/video0 is gone. Plug it back in.")));
        driver.manage().window().setSize(new Dimension(1280, 1400));
        logInAsOwner();
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(15));
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#buttons button.press")));
        assertEquals("Needs your attention", driver.findElement(By.id("attention-h")).getText());
        assertTrue(driver.findElement(By.id("problems")).getText().contains("/dev/video0 is gone"));
        wait.until(textIs("led-words", "white with a red flash: watching, and something needs your attention"));
        t.state.update(s -> s.withProblems(List.of()));
        wait.until(textIs("led-words", "teal, steady: watching, someone is here (neutral)"));
        assertFalse(driver.findElement(By.id("attention")).isDisplayed(), "no heading when nothing needs attention");
        wait.until(d -> "rgba(0, 217, 191, 1)".equals(d.findElement(By.id("led-dot")).getCssValue("background-color")));
        assertEquals("play or pause", driver.findElement(By.cssSelector("#buttons li[data-button=play] li[data-gesture=short] .does")).getText());
        assertEquals("hold 4 s:", driver.findElement(By.cssSelector("#buttons li[data-button=privacy] li[data-gesture=long] .muted")).getText());
        shot("page-device-desktop.png");

        // A short press on "play": through the mock pin, the button thread and its detector, to Controls.
        press("play", "short");
        wait.until(d -> t.controls.calls().equals(List.of("toggle")));
        assertTrue(driver.findElement(By.id("press-msg")).getText().startsWith("Pressing 'play' (short)"));

        // Holding "privacy" for its shutdown hold: no click, no shutdown (off), and the buttons are busy meanwhile.
        pressAccepted(wait, "privacy", "long");
        press("next", "short");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("press-msg"), "still being pressed"));
        assertTrue(driver.findElement(By.id("press-msg")).getDomAttribute("class").contains("warn"), "a refusal is a warning");
        Thread.sleep(5000);
        assertEquals(List.of("toggle"), t.controls.calls(), "a 4 s hold is neither a click nor (with shutdown off) a shutdown");
        pressAccepted(wait, "next", "short");
        wait.until(d -> t.controls.calls().equals(List.of("toggle", "next")));

        // The privacy LED: the dot plays the pattern.
        t.state.update(s -> new io.moodbox.box.BoxState(s.phase(), new io.moodbox.camera.SourceStatus(io.moodbox.camera.SourceStatus.State.OFF, "demo", "", 0, s.at()),
                true, s.mood(), s.player(), s.fps(), s.problems(), s.startedAt(), s.at()));
        wait.until(textIs("led-words", "violet blip every 3 s: privacy on, the camera is off"));
        assertEquals(1L, driver.executeScript("return document.getElementById('led-dot').getAnimations().length"));
        assertNoScriptErrors();
    }

    @Test
    void withoutTheMockGpioThePageShowsTheButtonsButOffersNoPress() throws Exception {
        t = new TestServer(dir, false, DeviceConfig.Provider.NONE);
        driver.manage().window().setSize(new Dimension(412, 915));
        logInAsOwner();
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(15));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("buttons"), "privacy on or off"));
        assertTrue(driver.findElements(By.cssSelector("#buttons button")).isEmpty(), "nothing to press");
        assertEquals("No GPIO is open (device.provider=none), so there are no buttons to press.",
                driver.findElement(By.id("press-note")).getText());
        assertEquals("No GPIO is open, so there is no status LED.", driver.findElement(By.id("led-words")).getText());
        assertFalse(driver.findElement(By.id("led-dot")).isDisplayed());
        Object status = driver.executeAsyncScript("const done = arguments[arguments.length - 1];"
                + "moodbox.api('/api/device/buttons/play', {method: 'POST', body: {gesture: 'short'}})"
                + ".then(() => done('done'), (e) => done(e.status + ' ' + e.message));");
        assertEquals("409 No GPIO is open (device.provider=none), so there are no buttons to press.", status,
                "the refusal's message reaches the page (ApiError takes 'message' when there is no 'error')");
        assertTrue(t.controls.calls().isEmpty());
    }

    @Test
    void theLibraryIsBrowsedSearchedCorrectedAndQueued() throws Exception {
        t = new TestServer(dir, false);
        Path album = Files.createDirectories(dir.resolve("music/Sea Songs"));
        var png = new java.awt.image.BufferedImage(8, 8, java.awt.image.BufferedImage.TYPE_INT_RGB);
        javax.imageio.ImageIO.write(png, "png", album.resolve("cover.png").toFile());
        t.library.add(new Track("t9", album.resolve("tide.flac"), "Tide", "Gulls", "Sea Songs", 180, 0.4, -0.6, "calm", "genre"));
        logInAsOwner();
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(15));

        // By mood quadrant: the chips, then one quadrant's tracks with who decided their mood.
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#lib-groups button[data-group=happy]")));
        driver.findElement(By.cssSelector("#lib-groups button[data-group=happy]")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("lib-tracks-list"), "Lift Off"));
        assertTrue(driver.findElement(By.id("lib-tracks-list")).getText().contains("happy, set by you"));
        assertFalse(driver.findElement(By.id("lib-tracks-list")).getText().contains("Slow Rain"));

        // By album, and the folder's cover picture shows.
        new org.openqa.selenium.support.ui.Select(driver.findElement(By.id("lib-by"))).selectByValue("album");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#lib-groups button[data-group='Sea Songs']")));
        driver.findElement(By.cssSelector("#lib-groups button[data-group='Sea Songs']")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("lib-tracks-list"), "calm, from tags"));
        wait.until(d -> Boolean.TRUE.equals(((org.openqa.selenium.JavascriptExecutor) d).executeScript(
                "const i = document.querySelector('li[data-id=t9] img.cover'); return !!i && !i.hidden && i.naturalWidth === 8;")));

        // Search, play now, queue, and the owner's word on the mood.
        type("lib-search", "rain");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("lib-tracks-h"), "\"rain\" (1)"));
        driver.findElement(By.cssSelector("li[data-id=t2] button.play-now")).click();
        driver.findElement(By.cssSelector("li[data-id=t2] button.queue")).click();
        new org.openqa.selenium.support.ui.Select(driver.findElement(By.cssSelector("li[data-id=t2] select.correct"))).selectByValue("sad");
        wait.until(d -> t.controls.calls().containsAll(List.of("queue t2 now", "queue t2", "mood t2 sad")));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("lib-msg"), "recorded mood t2 sad"));

        // A refusal is shown in words.
        t.controls.answerWith(io.moodbox.box.Controls.Reply.refused("The mood was not changed: no track t2 in the library."));
        new org.openqa.selenium.support.ui.Select(driver.findElement(By.cssSelector("li[data-id=t2] select.correct"))).selectByValue("tense");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("lib-msg"), "no track t2 in the library"));
        shot("page-library.png");
        assertNoScriptErrors();
    }

    @Test
    void aCoverEmbeddedInATrackShowsAndADamagedOneLeavesTheRowWithout() throws Exception {
        t = new TestServer(dir, false);
        Path album = Files.createDirectories(dir.resolve("music/Harbour"));
        Files.write(album.resolve("cover.png"), io.moodbox.testing.TaggedAudio.picture("png", 8, 8, java.awt.Color.BLUE));
        byte[] art = io.moodbox.testing.TaggedAudio.picture("jpg", 24, 16, java.awt.Color.ORANGE);
        Path tagged = io.moodbox.testing.AudioFaults.write(album.resolve("dock.mp3"), io.moodbox.testing.TaggedAudio.mp3(art, "image/jpeg", 3));
        Path damaged = io.moodbox.testing.AudioFaults.write(dir.resolve("music/Loose/noise.mp3"), io.moodbox.testing.AudioFaults.concat(
                io.moodbox.testing.AudioFaults.id3(10, 5000), io.moodbox.testing.AudioFaults.mp3(2, 440)));
        Track dock = new Track("e1", tagged, "Dock", "Gulls", "Harbour", 2, 0.4, 0.6, "happy", "genre");
        Track noisy = new Track("e2", damaged, "Static", "Gulls", "Harbour", 2, 0.4, 0.6, "happy", "genre");
        t.library.add(dock);
        t.library.add(noisy);
        logInAsOwner();
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(15));

        new org.openqa.selenium.support.ui.Select(driver.findElement(By.id("lib-by"))).selectByValue("album");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#lib-groups button[data-group='Harbour']")));
        driver.findElement(By.cssSelector("#lib-groups button[data-group='Harbour']")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("lib-tracks-list"), "Static"));
        // The embedded 24x16 JPEG, not the folder's 8x8 PNG; the damaged one's row shows no picture and still works.
        wait.until(d -> Boolean.TRUE.equals(((org.openqa.selenium.JavascriptExecutor) d).executeScript(
                "const i = document.querySelector('li[data-id=e1] img.cover');"
                        + " return !!i && i.complete && !i.hidden && i.naturalWidth === 24 && i.naturalHeight === 16;")));
        wait.until(d -> Boolean.TRUE.equals(((org.openqa.selenium.JavascriptExecutor) d).executeScript(
                "const i = document.querySelector('li[data-id=e2] img.cover'); return !!i && i.complete && i.hidden;")));
        driver.findElement(By.cssSelector("li[data-id=e2] button.queue")).click();
        wait.until(d -> t.controls.calls().contains("queue e2"));

        // Now playing shows the playing track's cover, and none for a track without one.
        t.state.update(s -> withPlayer(s, new PlayerStatus(PlayerStatus.State.PLAYING, dock, "fits the happy room", 40, 30)));
        wait.until(d -> Boolean.TRUE.equals(((org.openqa.selenium.JavascriptExecutor) d).executeScript(
                "const i = document.getElementById('now-cover'); return i.complete && !i.hidden && i.naturalWidth === 24;")));
        driver.executeScript("document.getElementById('play-h').scrollIntoView()");
        shot("page-embedded-cover.png");
        t.state.update(s -> withPlayer(s, new PlayerStatus(PlayerStatus.State.PLAYING, noisy, "fits the happy room", 40, 30)));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("track"), "Static"));
        wait.until(d -> Boolean.TRUE.equals(((org.openqa.selenium.JavascriptExecutor) d).executeScript(
                "const i = document.getElementById('now-cover'); return i.complete && i.hidden;")));
        assertNoScriptErrors();
    }

    private void press(String button, String gesture) {
        driver.findElement(By.cssSelector("#buttons button.press[data-button=" + button + "][data-gesture=" + gesture + "]")).click();
    }

    /**
     * Presses until the box takes the press: a short press is decided (and reaches Controls)
     * before its release has settled, so a press right after one may be refused as "still
     * being pressed", as it would be for an owner clicking that fast.
     */
    private void pressAccepted(WebDriverWait wait, String button, String gesture) throws InterruptedException {
        String want = "Pressing '" + button + "' (" + gesture + ")";
        for (int tries = 0; tries < 20; tries++) {
            driver.executeScript("document.getElementById('press-msg').textContent = ''");
            press(button, gesture);
            String answer = wait.until(d -> {
                String m = d.findElement(By.id("press-msg")).getText();
                return m.isEmpty() ? null : m;
            });
            if (answer.startsWith(want)) return;
            assertTrue(answer.contains("still being pressed"), "unexpected answer to a press: " + answer);
            Thread.sleep(250);
        }
        throw new AssertionError("the box refused '" + button + "' (" + gesture + ") 20 times");
    }

    private static io.moodbox.box.BoxState withMood(io.moodbox.box.BoxState s, MoodState m) {
        return new io.moodbox.box.BoxState(s.phase(), s.camera(), s.privacy(), m, s.player(), s.fps(), s.problems(), s.startedAt(), s.at());
    }

    private static io.moodbox.box.BoxState withPlayer(io.moodbox.box.BoxState s, PlayerStatus p) {
        return s.withPlayer(p);
    }

    /** {@code points} plot points, 5 s apart, ending now: a box that has been up that long. */
    private void seed(int points) {
        var base = t.state.current();
        java.time.Instant now = java.time.Instant.now();
        t.server.history().clear();
        for (int i = 0; i < points; i++) {
            var s = TestStates.withMood(base, Emotion.NEUTRAL, 1);
            t.server.history().record(new io.moodbox.box.BoxState(s.phase(), s.camera(), s.privacy(), s.mood(), s.player(),
                    s.fps(), s.problems(), s.startedAt(), now.minusSeconds(5L * (points - i))));
        }
        t.server.history().record(base);
    }

    /** An hour of a room drifting from calm to happy and back, so the plot has something to show. */
    private void seedLastHour() {
        var base = t.state.current();
        java.time.Instant now = java.time.Instant.now();
        t.server.history().clear();
        Emotion[] story = {Emotion.NEUTRAL, Emotion.SAD, Emotion.NEUTRAL, Emotion.HAPPY, Emotion.SURPRISE, Emotion.HAPPY};
        for (int i = 0; i < MoodHistory.CAPACITY; i++) {
            Emotion e = story[i * story.length / MoodHistory.CAPACITY];
            var s = TestStates.withMood(base, e, 1 + i % 3);
            t.server.history().record(new io.moodbox.box.BoxState(s.phase(), s.camera(), s.privacy(), s.mood(), s.player(),
                    s.fps(), s.problems(), s.startedAt(), now.minusSeconds(5L * (MoodHistory.CAPACITY - i))));
        }
        t.server.history().record(base);
    }
}
