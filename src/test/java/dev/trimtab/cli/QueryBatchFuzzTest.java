package dev.trimtab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.trimtab.testing.FuzzBounds;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;

/**
 * The batch query reader ({@link Lines} and {@link QueryBatch}, as {@code network --batch} and
 * {@code rbac --batch} use them) on hostile bytes: every line that is not blank is answered by
 * exactly one output line, an answer or {@code {"line":N,"error":…}}; nothing is thrown. Lines
 * longer than 1 KiB take the too-long path. Seeds: {@code QueryBatchFuzzTestInputs/answer/}.
 */
@Tag("fuzz") // its own JVM in the build (pom.xml, execution fuzz-regression)
class QueryBatchFuzzTest {
    private static final int MAX_LINE = 1024;
    private static final List<String> FIELDS = List.of("verb", "resource", "namespace", "groups");
    private static final FuzzBounds ANSWER = new FuzzBounds("QueryBatch.answer over Lines");

    @FuzzTest(maxDuration = "10m")
    // no line breaks in entries: Jazzer 0.24 writes them unescaped and libFuzzer rejects the dictionary
    @DictionaryEntries({
        "\"verb\"",
        "\"resource\"",
        "\"namespace\"",
        "\"groups\"",
        "\"get\"",
        "\"pods\"",
        "\u00e9",
        "\ud83d\ude00"
    })
    void answer(byte[] input) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int[] bad = new int[1];
        ANSWER.check(
                input,
                () -> bad[0] = QueryBatch.answer(
                        Lines.of(new ByteArrayInputStream(input), MAX_LINE),
                        "rbac",
                        FIELDS,
                        line -> {
                            Map<String, Object> a = new LinkedHashMap<>();
                            a.put("verb", line.string("verb"));
                            a.put("resource", line.stringOrNumber("resource"));
                            a.put("namespace", line.optionalString("namespace"));
                            a.put("groups", line.strings("groups"));
                            return List.of(a);
                        },
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8)));
        String[] printed = out.toString(StandardCharsets.UTF_8).split("\n", -1);
        long answered = printed.length - 1; // each answer ends with a newline
        assertThat(answered)
                .as(() -> "one output line for each line that is not blank, on " + FuzzBounds.shorten(input))
                .isEqualTo(expectedAnswers(input));
        assertThat(err.toString(StandardCharsets.UTF_8).lines().count())
                .as("one stderr line a bad line")
                .isEqualTo(bad[0]);
    }

    /** The lines of {@code input} an answer is due for, counted independently of {@link Lines}. */
    private static long expectedAnswers(byte[] input) {
        long due = 0;
        int start = 0;
        for (int i = 0; i <= input.length; i++) {
            if (i == input.length || input[i] == '\n') {
                int end = i;
                if (i == input.length && start == end) {
                    break; // no line after the last newline
                }
                int length = end - start;
                if (length > MAX_LINE) {
                    due++;
                } else {
                    if (length > 0 && input[end - 1] == '\r') {
                        end--;
                    }
                    try {
                        String text = StandardCharsets.UTF_8
                                .newDecoder()
                                .decode(ByteBuffer.wrap(input, start, end - start))
                                .toString();
                        if (!text.isBlank()) {
                            due++;
                        }
                    } catch (CharacterCodingException e) {
                        due++;
                    }
                }
                start = i + 1;
            }
        }
        return due;
    }

    @AfterAll
    static void figures() {
        System.out.println(ANSWER.report());
    }
}
