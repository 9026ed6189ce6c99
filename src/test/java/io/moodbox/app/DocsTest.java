package io.moodbox.app;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README is the front door and {@code docs/} holds the rest: every relative link in them
 * must lead somewhere (a file or folder, and a heading where it names one), every document in
 * {@code docs/} must be reachable from the README, and the README must stay short and keep the
 * two commands a newcomer starts with.
 */
class DocsTest {
    private static final Path ROOT = Path.of("").toAbsolutePath().normalize();
    private static final Path README = ROOT.resolve("README.md");
    private static final int README_MAX_LINES = 150;
    private static final long PICTURE_MAX_BYTES = 300 * 1024;

    /** {@code [text](target)} and {@code ![alt](target "title")}; the target is group 1. */
    private static final Pattern INLINE = Pattern.compile("\\]\\(\\s*<?([^)\\s>]+)>?(?:\\s+\"[^\"]*\")?\\s*\\)");
    /** {@code [label]: target} reference definitions. */
    private static final Pattern REFERENCE = Pattern.compile("^ {0,3}\\[[^\\]]+\\]:\\s*<?(\\S+?)>?(?:\\s.*)?$");
    private static final Pattern HEADING = Pattern.compile("^ {0,3}(#{1,6})\\s+(.*?)(?:\\s+#+)?\\s*$");
    private static final Pattern CODE_SPAN = Pattern.compile("(`+)(.+?)\\1");
    private static final Pattern SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:");

    /** A link found in a document: where it is and what it points at. */
    record Link(Path file, int line, String target) {
        @Override
        public String toString() { return ROOT.relativize(file) + ":" + line + ": " + target; }
    }

    private static List<Path> documents() throws IOException {
        List<Path> docs = new ArrayList<>();
        docs.add(README);
        docs.addAll(docsFolder());
        return docs;
    }

    private static List<Path> docsFolder() throws IOException {
        try (Stream<Path> s = Files.list(ROOT.resolve("docs"))) {
            return s.filter(p -> p.getFileName().toString().endsWith(".md")).sorted().toList();
        }
    }

    /** The document's lines with fenced code blocks blanked (line numbers kept) and code spans emptied. */
    static List<String> prose(Path file) throws IOException {
        List<String> out = new ArrayList<>();
        String fence = null;
        for (String line : Files.readAllLines(file)) {
            String t = line.stripLeading();
            if (fence == null && (t.startsWith("```") || t.startsWith("~~~"))) {
                fence = t.substring(0, 3);
                out.add("");
            } else if (fence != null) {
                if (t.startsWith(fence)) fence = null;
                out.add("");
            } else {
                out.add(CODE_SPAN.matcher(line).replaceAll("code"));
            }
        }
        return out;
    }

    static List<Link> links(Path file) throws IOException {
        List<Link> links = new ArrayList<>();
        List<String> lines = prose(file);
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = INLINE.matcher(lines.get(i));
            while (m.find()) links.add(new Link(file, i + 1, m.group(1)));
            Matcher r = REFERENCE.matcher(lines.get(i));
            if (r.matches()) links.add(new Link(file, i + 1, r.group(1)));
        }
        return links;
    }

    /** GitHub's anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
    static Set<String> anchors(Path markdown) throws IOException {
        Set<String> anchors = new HashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        String fence = null;
        for (String line : Files.readAllLines(markdown)) {
            String t = line.stripLeading();
            if (fence == null && (t.startsWith("```") || t.startsWith("~~~"))) { fence = t.substring(0, 3); continue; }
            if (fence != null) { if (t.startsWith(fence)) fence = null; continue; }
            Matcher h = HEADING.matcher(line);
            if (!h.matches()) continue;
            String slug = slug(h.group(2));
            int n = seen.merge(slug, 1, Integer::sum);
            anchors.add(n == 1 ? slug : slug + "-" + (n - 1));
        }
        return anchors;
    }

    static String slug(String heading) {
        String text = heading.replaceAll("\\[([^\\]]*)\\]\\([^)]*\\)", "$1"); // a link in a heading keeps its text
        return text.toLowerCase(Locale.ROOT)
                .replaceAll("[^\\p{L}\\p{N}\\p{M} _-]", "")
                .replace(' ', '-');
    }

    /** Where a relative link leads, or null for one that leaves the document's own anchors. */
    private static Path resolve(Link link) {
        String path = link.target();
        int hash = path.indexOf('#');
        if (hash >= 0) path = path.substring(0, hash);
        int query = path.indexOf('?');
        if (query >= 0) path = path.substring(0, query);
        if (path.isEmpty()) return link.file();
        return link.file().getParent().resolve(URLDecoder.decode(path, StandardCharsets.UTF_8)).normalize();
    }

    private static boolean external(String target) {
        return SCHEME.matcher(target).find() || target.startsWith("//");
    }

    @Test
    void everyRelativeLinkLeadsToAFileOrFolderAndEveryAnchorToAHeading() throws IOException {
        List<String> broken = new ArrayList<>();
        int checked = 0;
        for (Path doc : documents()) {
            for (Link link : links(doc)) {
                if (external(link.target())) continue;
                checked++;
                Path to = resolve(link);
                if (!to.startsWith(ROOT)) { broken.add(link + " (outside the repository)"); continue; }
                if (!Files.exists(to)) { broken.add(link + " (no such file or folder)"); continue; }
                int hash = link.target().indexOf('#');
                if (hash < 0) continue;
                String anchor = link.target().substring(hash + 1);
                if (!to.getFileName().toString().endsWith(".md") || Files.isDirectory(to)) {
                    broken.add(link + " (an anchor into something that is not a markdown file)");
                } else if (!anchors(to).contains(URLDecoder.decode(anchor, StandardCharsets.UTF_8))) {
                    broken.add(link + " (no heading " + anchor + " in " + ROOT.relativize(to) + "; there are " + new TreeSet<>(anchors(to)) + ")");
                }
            }
        }
        assertTrue(checked > 20, "links found in README.md and docs/: " + checked);
        assertEquals(List.of(), broken, "broken links");
    }

    @Test
    void everyDocumentInDocsIsLinkedFromTheReadme() throws IOException {
        Set<Path> linked = new HashSet<>();
        for (Link link : links(README))
            if (!external(link.target())) linked.add(resolve(link));
        List<String> orphans = new ArrayList<>();
        for (Path doc : docsFolder())
            if (!linked.contains(doc.normalize())) orphans.add(ROOT.relativize(doc).toString());
        assertEquals(List.of(), orphans, "documents in docs/ that the README does not link");
    }

    @Test
    void theReadmeStaysAFrontDoorWithTheTwoCommands() throws IOException {
        List<String> lines = Files.readAllLines(README);
        assertTrue(lines.size() < README_MAX_LINES,
                "README.md has " + lines.size() + " lines; keep it under " + README_MAX_LINES + " and move detail into docs/");
        String text = String.join("\n", lines);
        for (String command : List.of("./moodbox-dev run", "./moodbox-dev test"))
            assertTrue(text.contains(command), "README.md no longer shows " + command);
    }

    @Test
    void thePictureOfThePageIsThereAndSmall() throws IOException {
        Path picture = ROOT.resolve("docs/page.png");
        assertTrue(Files.readString(README).contains("](docs/page.png)"), "README.md shows docs/page.png");
        assertTrue(Files.size(picture) < PICTURE_MAX_BYTES,
                "docs/page.png is " + Files.size(picture) + " bytes; retake it smaller (ops/page-picture.sh)");
        byte[] head = Files.readAllBytes(picture);
        assertTrue(head.length > 8 && (head[0] & 0xff) == 0x89 && head[1] == 'P' && head[2] == 'N' && head[3] == 'G',
                "docs/page.png is a PNG");
    }

    @Test
    void anchorsFollowGithubsRules() {
        assertEquals("the-rooms-mood", slug("The room's mood"));
        assertEquals("moodbox-classify-and-moodbox-bench", slug("`moodbox classify` and `moodbox bench`"));
        assertEquals("faces-detection-and-preparation", slug("Faces: detection and preparation"));
        assertEquals("state-on-the-sd-card-and-boxes-that-get-unplugged", slug("State on the SD card, and boxes that get unplugged"));
    }
}
