package dev.trimtab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Lines decoded as strict UTF-8: a bad line is an error naming where, the others are read as they are. */
class LinesTest {
    static List<Lines.Line> all(byte[] input) throws Exception {
        List<Lines.Line> out = new ArrayList<>();
        try (Lines lines = Lines.of(new ByteArrayInputStream(input))) {
            for (Lines.Line l = lines.next(); l != null; l = lines.next()) {
                out.add(l);
            }
        }
        return out;
    }

    @Test
    void aLineLongerThanTheLimitIsAnErrorNotKeptAndTheNextLinesAreRead() throws Exception {
        byte[] input = ("first\n" + "x".repeat(200_000) + "\nlast\n").getBytes(StandardCharsets.UTF_8);
        try (Lines lines = Lines.of(new ByteArrayInputStream(input), 1000)) {
            assertThat(lines.next().text()).isEqualTo("first");
            Lines.Line tooLong = lines.next();
            assertThat(tooLong.text()).isNull();
            assertThat(tooLong.error())
                    .isEqualTo("longer than 1000 bytes (200000 bytes from byte 6 of the input): not read");
            Lines.Line last = lines.next();
            assertThat(last.number()).isEqualTo(3);
            assertThat(last.text()).isEqualTo("last");
            assertThat(lines.next()).isNull();
        }
    }

    @Test
    void aLineThatIsNotUtf8IsAnErrorNamingItsByteAndTheNextLinesAreRead() throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes("première\r\n".getBytes(StandardCharsets.UTF_8));
        b.writeBytes(new byte[] {'a', 'b', (byte) 0xC3, '(', '\n'});
        b.writeBytes("\n".getBytes(StandardCharsets.UTF_8));
        b.writeBytes(new byte[] {'x', (byte) 0xE2, (byte) 0x82, '\n'});
        b.writeBytes("last, no newline €".getBytes(StandardCharsets.UTF_8));
        List<Lines.Line> lines = all(b.toByteArray());
        assertThat(lines).extracting(Lines.Line::number).containsExactly(1, 2, 3, 4, 5);
        assertThat(lines.get(0).text()).isEqualTo("première");
        assertThat(lines.get(1).text()).isNull();
        assertThat(lines.get(1).error()).isEqualTo("invalid UTF-8 at byte 2 of the line (byte 13 of the input): 0xC3");
        assertThat(lines.get(2).text()).isEmpty();
        assertThat(lines.get(3).error()).startsWith("invalid UTF-8 at byte 1 of the line (byte 18 of the input): 0xE2");
        assertThat(lines.get(4).text()).isEqualTo("last, no newline €");
        assertThat(all(new byte[0])).isEmpty();
        assertThat(all(new byte[] {'a', (byte) 0xF0}))
                .singleElement()
                .extracting(Lines.Line::error)
                .asString()
                .contains("byte 1 of the line");
    }

    /** Random lines (some longer than the read buffer, some with a stray 0xFF) read back exactly, the broken ones named. */
    @Test
    void anyTextReadsBackLineByLineAndEachBrokenLineIsNamed() throws Exception {
        long seed = new Random().nextLong();
        Random random = new Random(seed);
        String alphabet = "ab{}\":, é€😀\t";
        int letters = alphabet.codePointCount(0, alphabet.length());
        for (int run = 0; run < 200; run++) {
            List<String> expected = new ArrayList<>();
            List<Integer> broken = new ArrayList<>();
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            int n = 1 + random.nextInt(20);
            for (int i = 1; i <= n; i++) {
                StringBuilder sb = new StringBuilder("x");
                int length = random.nextInt(5) == 0 ? 70_000 + random.nextInt(10) : random.nextInt(30);
                for (int j = 0; j < length; j++) {
                    sb.appendCodePoint(alphabet.codePointAt(alphabet.offsetByCodePoints(0, random.nextInt(letters))));
                }
                byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
                if (random.nextInt(4) == 0) {
                    int at = random.nextInt(bytes.length + 1);
                    b.write(bytes, 0, at);
                    b.write(0xFF);
                    b.write(bytes, at, bytes.length - at);
                    broken.add(i);
                    expected.add(null);
                } else {
                    b.writeBytes(bytes);
                    expected.add(sb.toString());
                }
                if (i < n || random.nextBoolean()) {
                    b.writeBytes(random.nextBoolean() ? new byte[] {'\n'} : new byte[] {'\r', '\n'});
                }
            }
            List<String> texts = new ArrayList<>();
            List<Integer> errors = new ArrayList<>();
            for (Lines.Line l : all(b.toByteArray())) {
                texts.add(l.text());
                if (l.error() != null) {
                    errors.add(l.number());
                }
            }
            assertThat(texts).as("seed %d, run %d", seed, run).isEqualTo(expected);
            assertThat(errors).as("seed %d, run %d", seed, run).isEqualTo(broken);
        }
    }
}
