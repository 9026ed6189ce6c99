package io.moodbox.web;

import io.moodbox.testing.AudioFaults;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The upload form in a real headless Chromium ({@link InChromium}, as {@link PageTest}): the owner
 * picks three files at once; the real MP3 is added, the text with an .mp3 name and the file over
 * the limit are refused, each with its sentence on the page; the sources and a stick's scan
 * progress show. Screenshot: target/screenshots/upload-phone.png.
 */
class UploadPageTest extends InChromium {
    @Test
    void theOwnerUploadsThreeFilesAndReadsWhatBecameOfEach() throws Exception {
        t = new TestServer(dir, false);
        AtomicInteger scans = new AtomicInteger();
        Path uploads = dir.resolve("uploads");
        t.server.acceptUploads(uploads, 400_000, scans::incrementAndGet);
        t.setUp();
        Path picked = Files.createDirectories(dir.resolve("picked"));
        byte[] song = AudioFaults.mp3(3, 440);
        Path good = Files.write(picked.resolve("Good Song.mp3"), song);
        Path text = Files.writeString(picked.resolve("notes.mp3"), "a shopping list, not a song\n".repeat(50));
        Path big = Files.write(picked.resolve("long.wav"), AudioFaults.tone(12, 440));

        driver.manage().window().setSize(new Dimension(412, 915));
        driver.get(t.base() + "/");
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(20));
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-form")));
        driver.findElement(By.id("login-password")).sendKeys(TestServer.PASSWORD);
        driver.findElement(By.cssSelector("#login-form button[type=submit]")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("upload-form")));

        // A stick being scanned: the sources and the scan's progress, as the daemon reports them.
        t.library.sources(List.of(new LibraryView.Source("/srv/moodbox/music", "folder", 120),
                new LibraryView.Source("USB stick MUSIC", "removable", 3)));
        t.library.progress(new LibraryView.ScanProgress(true, 3, 40, null, "reading song.mp3 (USB stick MUSIC)"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("source-scan"),
                "Scanning 3 of 40: reading song.mp3 (USB stick MUSIC)"));
        assertEquals("/srv/moodbox/music — 120 tracks (folder)\nUSB stick MUSIC — 3 tracks (USB stick)",
                driver.findElement(By.id("source-list")).getText());
        t.library.progress(LibraryView.ScanProgress.idle());
        wait.until(ExpectedConditions.invisibilityOfElementLocated(By.id("source-scan")));

        driver.findElement(By.id("upload-files")).sendKeys(String.join("\n",
                good.toString(), text.toString(), big.toString()));
        driver.findElement(By.id("btn-upload")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("upload-msgs"), "long.wav is too large"));
        String said = driver.findElement(By.id("upload-msgs")).getText();
        assertTrue(said.contains("Good Song.mp3 added; the library is being scanned"), said);
        assertTrue(said.contains("notes.mp3: this is not an audio file we can play (not an audio file FFmpeg can open)"), said);
        assertTrue(said.contains("long.wav is too large: the box takes files up to 390 KB"), said);
        assertEquals(List.of("ok", "error", "error"), driver.findElements(By.cssSelector("#upload-msgs li")).stream()
                .map(e -> e.getDomAttribute("class")).toList(), "one line per file, the refusals marked");

        try (var s = Files.list(uploads)) {
            assertEquals(List.of("Good Song.mp3"), s.map(p -> p.getFileName().toString()).toList());
        }
        assertArrayEquals(song, Files.readAllBytes(uploads.resolve("Good Song.mp3")));
        assertEquals(1, scans.get());
        driver.executeScript("document.getElementById('upload-form').scrollIntoView()");
        shot("upload-phone.png");
        assertNoScriptErrors();
    }
}
