package dev.trimtab.ingest.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trimtab.testing.RemoteWriteBodies;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The hand-written decoder against snappy-java's encoder, and against bodies built to break it. */
class SnappyTest {
    private static final long SEED = Long.getLong("trimtab.seed", System.nanoTime());

    @Test
    void decodesWhatSnappyJavaEncodesOfAnyShape() {
        Random r = new Random(SEED);
        for (int i = 0; i < 400; i++) {
            byte[] raw = new byte[r.nextInt(i < 200 ? 300 : 200_000)];
            switch (i % 3) {
                case 0 -> r.nextBytes(raw); // literals
                case 1 -> fillRepetitive(raw, r); // copies, overlapping ones too
                default -> { // text, as label sets are
                    String s = "http_requests_total{namespace=\"shop\",pod=\"web-" + r.nextInt(99) + "\"} ";
                    for (int k = 0; k < raw.length; k++) {
                        raw[k] = (byte) s.charAt(k % s.length());
                    }
                }
            }
            byte[] decoded = Snappy.decode(RemoteWriteBodies.compress(raw), 1 << 20);
            assertThat(decoded)
                    .as("seed %d, case %d (%d bytes)", SEED, i, raw.length)
                    .isEqualTo(raw);
        }
    }

    @Test
    void aDeclaredLengthOverTheCapIsRefusedBeforeAnythingIsAllocated() {
        byte[] body = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f}; // 4 GiB - 1
        assertThatThrownBy(() -> Snappy.decode(body, 32 << 20))
                .isInstanceOf(BadPayload.class)
                .hasMessageContaining("declares 4294967295 uncompressed bytes, more than the 33554432 accepted")
                .hasMessageContaining("trimtab.ingest.max-uncompressed-size");
    }

    @Test
    void malformedBlocksNameWhatIsWrong() {
        assertThatThrownBy(() -> Snappy.decode(new byte[0], 100)).hasMessageContaining("it is empty");
        // declares 5, a literal of 2 bytes: short
        assertThatThrownBy(() -> Snappy.decode(new byte[] {5, 1 << 2, 'a', 'b'}, 100))
                .hasMessageContaining("declares 5 uncompressed bytes but holds 2");
        // a copy before anything was written
        assertThatThrownBy(() -> Snappy.decode(new byte[] {4, 0x01, 0x01}, 100))
                .hasMessageContaining("refers 1 bytes back, but only 0 bytes were written");
        // a literal longer than the body
        assertThatThrownBy(() -> Snappy.decode(new byte[] {9, 8 << 2, 'a'}, 100))
                .hasMessageContaining("ends inside a literal");
        // a copy past the declared length
        assertThatThrownBy(() -> Snappy.decode(new byte[] {2, 0, 'a', 0x01 | (7 << 2), 0x01}, 100))
                .hasMessageContaining("runs past the declared length 2");
    }

    @Test
    void randomBytesAreDecodedOrRefusedNeverAnythingElse() {
        Random r = new Random(SEED);
        for (int i = 0; i < 20_000; i++) {
            byte[] body = new byte[1 + r.nextInt(64)];
            r.nextBytes(body);
            if (i % 2 == 0) {
                body[0] = (byte) r.nextInt(100); // a plausible length, so the elements get read
            }
            try {
                byte[] out = Snappy.decode(body, 1 << 16);
                assertThat(out.length).isLessThanOrEqualTo(1 << 16);
            } catch (BadPayload expected) {
                assertThat(expected.getMessage())
                        .as("seed %d, case %d", SEED, i)
                        .startsWith("snappy: ");
            } catch (RuntimeException e) {
                throw new AssertionError("seed " + SEED + ", case " + i + ": " + e, e);
            }
        }
    }

    private static void fillRepetitive(byte[] raw, Random r) {
        int period = 1 + r.nextInt(20);
        for (int k = 0; k < raw.length; k++) {
            raw[k] = (byte) (k < period ? r.nextInt(256) : raw[k - period]);
        }
    }
}
