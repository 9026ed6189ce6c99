package io.moodbox.web;

import io.moodbox.testing.Required;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedCondition;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What every page test shares: one real headless Chromium per test class (Debian's chromium +
 * chromium-driver; missing, the class fails through {@link Required}), the test's
 * {@link TestServer} {@code t} closed after each test, and the few things the tests do with the
 * browser (type, screenshot into target/screenshots/, log in, check the console for errors).
 */
abstract class InChromium {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Path SHOTS = Path.of("target", "screenshots");

    @TempDir static Path profile;
    @TempDir Path dir;
    static ChromeDriver driver;
    TestServer t;

    @BeforeAll
    static void browser() throws IOException {
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
        driver = null;
    }

    @AfterEach
    void stop() {
        // Leave the page first and drop its log: else its requests to the closed server fail and
        // the next test's assertNoScriptErrors reads them as that test's errors.
        if (driver != null) {
            driver.get("about:blank");
            driver.manage().logs().get(LogType.BROWSER);
        }
        if (t != null) t.close();
    }

    /** Sets the password over HTTP and hands this browser the session cookie. */
    void logInAsOwner() throws Exception {
        t.setUp();
        driver.get(t.base() + "/icon.svg");
        driver.manage().deleteAllCookies();
        String[] c = t.cookie.split("=", 2);
        driver.manage().addCookie(new Cookie(c[0], c[1], "/"));
        driver.get(t.base() + "/");
        new WebDriverWait(driver, Duration.ofSeconds(15)).until(ExpectedConditions.visibilityOfElementLocated(By.id("logout")));
    }

    /** No script error or CSP violation in the browser's log since it was last read; 4xx answers are the tests' refusals. */
    static void assertNoScriptErrors() {
        List<String> problems = driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(LogEntry::getMessage)
                .filter(m -> !m.contains("the server responded with a status of 4"))
                .toList();
        assertEquals(List.of(), problems, "no script errors or CSP violations");
    }

    /** The element's text as written, not as CSS shows it (labels are capitalised on screen). */
    static ExpectedCondition<Boolean> textIs(String id, String text) {
        return d -> text.equals(d.findElement(By.id(id)).getDomProperty("textContent"));
    }

    static void type(String id, String text) {
        WebElement e = driver.findElement(By.id(id));
        e.clear();
        e.sendKeys(text);
    }

    static void shot(String name) throws IOException {
        File f = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
        Files.copy(f.toPath(), SHOTS.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }
}
