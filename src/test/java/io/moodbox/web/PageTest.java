package io.moodbox.web;

import io.moodbox.testing.Required;

import io.moodbox.emotion.Emotion;
import io.moodbox.testing.TestStates;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The page in a real headless Chromium (Debian's chromium + chromium-driver): set the password
 * with the setup code, see the mood change on a live update, use the controls, log out and in,
 * change a setting with a validation error first. Screenshots go to target/screenshots/.
 */
class PageTest {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Path SHOTS = Path.of("target", "screenshots");

    @TempDir static Path profile;
    @TempDir Path dir;
    static ChromeDriver driver;
    TestServer t;

    @BeforeAll
    static void browser() throws Exception {
        Required.that(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "needs Debian's chromium and chromium-driver (./moodbox-dev test installs them)");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--user-data-dir=" + profile.toAbsolutePath());
        options.setCapability("goog:loggingPrefs", Map.of("browser", "ALL"));
        // An explicit driver path: Selenium Manager never tries to download anything.
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
        Files.createDirectories(SHOTS);
    }

    @AfterAll
    static void quit() {
        if (driver != null) driver.quit();
    }

    @AfterEach
    void stop() {
        if (t != null) t.close();
    }

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

        List<String> problems = driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(LogEntry::getMessage)
                .filter(m -> !m.contains("the server responded with a status of 4")) // expected refusals above
                .toList();
        assertEquals(List.of(), problems, "no script errors or CSP violations");
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

    /** An hour of a room drifting from calm to happy and back, so the plot has something to show. */
    private void seedLastHour() {
        var base = t.state.current();
        java.time.Instant now = java.time.Instant.now();
        t.server.history().clear();
        Emotion[] story = {Emotion.NEUTRAL, Emotion.SAD, Emotion.NEUTRAL, Emotion.HAPPY, Emotion.SURPRISE, Emotion.HAPPY};
        for (int i = 0; i < MoodHistory.CAPACITY; i++) {
            Emotion e = story[i * story.length / MoodHistory.CAPACITY];
            var s = TestStates.withMood(base, e, 1 + i % 3);
            t.server.history().record(new io.moodbox.app.BoxState(s.phase(), s.camera(), s.privacy(), s.mood(), s.player(),
                    s.fps(), s.problems(), s.startedAt(), now.minusSeconds(5L * (MoodHistory.CAPACITY - i))));
        }
        t.server.history().record(base);
    }

    /** The element's text as written, not as CSS shows it (labels are capitalised on screen). */
    private static org.openqa.selenium.support.ui.ExpectedCondition<Boolean> textIs(String id, String text) {
        return d -> text.equals(d.findElement(By.id(id)).getDomProperty("textContent"));
    }

    private void type(String id, String text) {
        WebElement e = driver.findElement(By.id(id));
        e.clear();
        e.sendKeys(text);
    }

    private static void shot(String name) throws Exception {
        File f = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
        Files.copy(f.toPath(), SHOTS.resolve(name), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
}
