package dev.trimtab.cli;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The lines of a file or of stdin, for the commands that read one record a line ({@code replay},
 * {@code policy review}, {@code --batch}). Each line is decoded as UTF-8 by a strict decoder: a
 * line that is not valid UTF-8 comes back as an error naming its line number and the byte offset
 * of the first bad byte (in the line and in the input), never as replacement characters, and the
 * lines after it are read as usual. Lines end with {@code \n}; a {@code \r} before it is dropped.
 * A line longer than {@link #MAX_LINE_BYTES} is not kept in memory: it comes back as an error
 * (every command's own record limit is far smaller), and the lines after it are read as usual.
 */
public abstract class Lines implements Closeable {
    /** The longest line read (16 MiB); a longer one is skipped, reported as an error. */
    public static final int MAX_LINE_BYTES = 16 << 20;

    /** Line {@code number} (from 1): its {@code text}, or, when it could not be decoded, the {@code error}. */
    public record Line(int number, String text, String error) {}

    private int number;

    /** The lines of {@code file}, or of {@code stdin} when it is {@code -}. */
    public static Lines open(String file, InputStream stdin) throws IOException {
        return of(file.equals("-") ? stdin : Files.newInputStream(Path.of(file)));
    }

    /** The lines of raw bytes, each decoded as strict UTF-8. */
    public static Lines of(InputStream in) {
        return of(in, MAX_LINE_BYTES);
    }

    /** As {@link #of(InputStream)}, with lines longer than {@code maxLine} bytes reported and skipped. */
    public static Lines of(InputStream in, int maxLine) {
        return new Bytes(in, maxLine);
    }

    /** The lines of text already decoded (no line can be invalid). */
    public static Lines of(BufferedReader in) {
        return new Lines() {
            @Override
            protected Line read(int number) throws IOException {
                String text = in.readLine();
                return text == null ? null : new Line(number, text, null);
            }

            @Override
            public void close() throws IOException {
                in.close();
            }
        };
    }

    /** The next line, or null at the end of the input. */
    public final Line next() throws IOException {
        Line l = read(number + 1);
        if (l != null) {
            number++;
        }
        return l;
    }

    protected abstract Line read(int number) throws IOException;

    private static final class Bytes extends Lines {
        private final InputStream in;
        private final CharsetDecoder decoder = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        private final byte[] chunk = new byte[65536];
        private int position;
        private int limit;
        private boolean end;
        private byte[] buffer = new byte[8192];
        private long offset;
        private final int maxLine;

        Bytes(InputStream in, int maxLine) {
            this.in = in;
            this.maxLine = maxLine;
        }

        @Override
        protected Line read(int number) throws IOException {
            int length = 0;
            long skipped = 0;
            boolean newline = false;
            while (!newline) {
                if (position == limit) {
                    if (end || (limit = in.read(chunk)) < 0) {
                        end = true;
                        limit = 0;
                        position = 0;
                        break;
                    }
                    position = 0;
                }
                int from = position;
                while (position < limit && chunk[position] != '\n') {
                    position++;
                }
                int n = position - from;
                if (skipped > 0 || (long) length + n > maxLine) {
                    skipped += n; // too long: counted, not kept
                } else {
                    if (length + n > buffer.length) {
                        buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + n));
                    }
                    System.arraycopy(chunk, from, buffer, length, n);
                    length += n;
                }
                if (position < limit) {
                    position++; // the newline
                    newline = true;
                }
            }
            if (!newline && length == 0 && skipped == 0) {
                return null;
            }
            long start = offset;
            offset += length + skipped + (newline ? 1 : 0);
            if (skipped > 0) {
                return new Line(
                        number,
                        null,
                        "longer than " + maxLine + " bytes (" + (length + skipped) + " bytes from byte " + start
                                + " of the input): not read");
            }
            if (length > 0 && buffer[length - 1] == '\r') {
                length--;
            }
            return decode(number, length, start);
        }

        private Line decode(int number, int length, long start) {
            ByteBuffer bytes = ByteBuffer.wrap(buffer, 0, length);
            CharBuffer chars = CharBuffer.allocate(length);
            decoder.reset();
            CoderResult r = decoder.decode(bytes, chars, true);
            if (!r.isError()) {
                r = decoder.flush(chars);
            }
            if (r.isError()) {
                int at = bytes.position();
                StringBuilder shown = new StringBuilder();
                for (int i = at; i < Math.min(length, at + Math.max(1, r.length())); i++) {
                    shown.append(shown.isEmpty() ? "" : " ").append(String.format("0x%02X", buffer[i] & 0xff));
                }
                return new Line(
                        number,
                        null,
                        "invalid UTF-8 at byte " + at + " of the line (byte " + (start + at) + " of the input): "
                                + (shown.isEmpty() ? "truncated sequence at the end" : shown));
            }
            chars.flip();
            return new Line(number, chars.toString(), null);
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
