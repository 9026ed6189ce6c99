package io.moodbox.web;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Which picture beside an album is its cover, by the names owners' players and rippers leave. */
class FolderPictureTest {
    @TempDir Path dir;

    private List<String> pictures(String... files) throws IOException {
        Path album = Files.createTempDirectory(dir, "album");
        for (String f : files) Files.write(album.resolve(f), new byte[] {1});
        return LibraryBrowse.folderPictures(album).stream().map(p -> p.getFileName().toString()).toList();
    }

    @Test
    void theUsualNamesInAnyCaseComeFirstInTheirOrder() throws IOException {
        assertEquals(List.of("Cover.JPG", "folder.jpeg", "AlbumArt_{3E1A}_Large.jpg"),
                pictures("booklet-3.png", "AlbumArt_{3E1A}_Large.jpg", "folder.jpeg", "Cover.JPG", "01 track.mp3"));
        assertEquals(List.of("albumcover.png"), pictures("albumcover.png", "band.jpg")); // Warzone 2100's soundtrack
        assertEquals(List.of("front cover.png"), pictures("front cover.png", "back cover.png", "cd.jpg"));
    }

    @Test
    void theOnlyPictureInAFolderIsItsCoverButOneOfManyUnnamedIsNot() throws IOException {
        assertEquals(List.of("scan.png"), pictures("scan.png", "notes.txt"));
        assertEquals(List.of(), pictures("scan.png", "booklet.png"));
        assertEquals(List.of(), pictures("back.jpg", "inlay.jpg"));
        assertEquals(List.of(), pictures("notes.txt"));
    }

    @Test
    void aFolderThatIsGoneHasNoPictures() {
        assertEquals(List.of(), LibraryBrowse.folderPictures(dir.resolve("gone")));
    }
}
