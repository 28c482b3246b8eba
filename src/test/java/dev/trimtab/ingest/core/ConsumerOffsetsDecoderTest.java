package dev.trimtab.ingest.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trimtab.ingest.core.ConsumerOffsetsDecoder.Commit;
import dev.trimtab.ingest.core.ConsumerOffsetsDecoder.Deletion;
import dev.trimtab.ingest.core.ConsumerOffsetsDecoder.Other;
import dev.trimtab.ingest.core.ConsumerOffsetsDecoder.Unreadable;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.coordinator.group.generated.GroupMetadataKey;
import org.apache.kafka.coordinator.group.generated.OffsetCommitKey;
import org.apache.kafka.coordinator.group.generated.OffsetCommitValue;
import org.junit.jupiter.api.Test;

/**
 * The hand-written {@code __consumer_offsets} decoder: fixed byte vectors, what the broker's own
 * generated classes encode (every value version), and bytes built to break it.
 */
class ConsumerOffsetsDecoderTest {
    private static final long SEED = Long.getLong("trimtab.seed", System.nanoTime());
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void readsAnOffsetCommitKeyAndAVersion3ValueFromTheirBytes() {
        byte[] key = HEX.parseHex("0001" + "0001" + "67" + "0001" + "74" + "00000003"); // v1, "g", "t", 3
        byte[] value = HEX.parseHex("0003" + "0000000000000064" + "00000005" + "0000" + "0000018bcfe56800");
        assertThat(ConsumerOffsetsDecoder.decode(key, value))
                .isEqualTo(new Commit("g", "t", 3, 100, 5, "", 1_700_000_000_000L, -1, (short) 3));
    }

    @Test
    void readsEveryValueVersion() {
        byte[] key = key(0, "orders-consumer", "orders", 7);
        assertThat(ConsumerOffsetsDecoder.decode(
                        key, new Bytes().i16(0).i64(42).str("m").i64(9).done()))
                .isEqualTo(new Commit("orders-consumer", "orders", 7, 42, -1, "m", 9, -1, (short) 0));
        assertThat(ConsumerOffsetsDecoder.decode(
                        key, new Bytes().i16(1).i64(42).str("").i64(9).i64(99).done()))
                .isEqualTo(new Commit("orders-consumer", "orders", 7, 42, -1, "", 9, 99, (short) 1));
        assertThat(ConsumerOffsetsDecoder.decode(
                        key, new Bytes().i16(2).i64(42).str("é").i64(9).done()))
                .isEqualTo(new Commit("orders-consumer", "orders", 7, 42, -1, "é", 9, -1, (short) 2));
        // v4, flexible: compact string ("ab": length 3), then one tagged field (tag 0, 16 bytes: a topic id)
        byte[] v4 = new Bytes()
                .i16(4)
                .i64(42)
                .i32(8)
                .raw(3)
                .raw('a')
                .raw('b')
                .i64(9)
                .raw(1)
                .raw(0)
                .raw(16)
                .zeros(16)
                .done();
        assertThat(ConsumerOffsetsDecoder.decode(key, v4))
                .isEqualTo(new Commit("orders-consumer", "orders", 7, 42, 8, "ab", 9, -1, (short) 4));
    }

    @Test
    void aNullValueIsADeletionAndOtherKeysAreNotOffsets() {
        assertThat(ConsumerOffsetsDecoder.decode(key(1, "g", "t", 0), null)).isEqualTo(new Deletion("g", "t", 0));
        assertThat(ConsumerOffsetsDecoder.decode(new Bytes().i16(2).str("g").done(), new byte[] {0, 3}))
                .isEqualTo(new Other((short) 2));
        assertThat(ConsumerOffsetsDecoder.decode(new Bytes().i16(11).done(), null))
                .isEqualTo(new Other((short) 11));
    }

    @Test
    void readsWhatTheBrokersOwnClassesWriteInEveryValueVersion() {
        Random r = new Random(SEED);
        for (int i = 0; i < 500; i++) {
            String group = randomString(r);
            String topic = randomString(r);
            int partition = r.nextInt(Integer.MAX_VALUE);
            short version = (short) r.nextInt(5);
            long offset = r.nextLong();
            int epoch = version >= 3 ? r.nextInt() : -1;
            String metadata = r.nextInt(4) == 0 ? "" : randomString(r);
            long commitTs = r.nextLong();
            long expireTs = version == 1 ? r.nextLong() : -1;
            // the coordinator's key: its record type (1) in place of a version, then the key's version-0 body
            byte[] key = MessageUtil.toVersionPrefixedBytes(
                    (short) 0,
                    new OffsetCommitKey().setGroup(group).setTopic(topic).setPartition(partition));
            key[1] = 1;
            OffsetCommitValue v = new OffsetCommitValue()
                    .setOffset(offset)
                    .setMetadata(metadata)
                    .setCommitTimestamp(commitTs);
            if (version >= 3) {
                v.setLeaderEpoch(epoch);
            }
            if (version == 1) {
                v.setExpireTimestamp(expireTs);
            }
            if (version >= 4 && r.nextBoolean()) {
                v.setTopicId(Uuid.randomUuid());
            }
            byte[] value = MessageUtil.toVersionPrefixedBytes(version, v);
            assertThat(ConsumerOffsetsDecoder.decode(key, value))
                    .as("seed %d, case %d, value v%d", SEED, i, version)
                    .isEqualTo(
                            new Commit(group, topic, partition, offset, epoch, metadata, commitTs, expireTs, version));
        }
        byte[] groupKey = MessageUtil.toVersionPrefixedBytes((short) 0, new GroupMetadataKey().setGroup("g"));
        groupKey[1] = 2;
        assertThat(ConsumerOffsetsDecoder.decode(groupKey, new byte[] {0, 3, 1, 2, 3}))
                .isEqualTo(new Other((short) 2));
    }

    @Test
    void placesAGroupOnThePartitionTheCoordinatorUses() {
        Random r = new Random(SEED);
        for (int i = 0; i < 2000; i++) {
            String group = randomString(r);
            int n = 1 + r.nextInt(200);
            assertThat(ConsumerOffsetsDecoder.partitionFor(group, n))
                    .as("seed %d, group %s", SEED, group)
                    .isEqualTo(Utils.abs(group.hashCode()) % n);
        }
        // "polygenelubricants".hashCode() is Integer.MIN_VALUE: Kafka's abs maps it to 0
        assertThat("polygenelubricants".hashCode()).isEqualTo(Integer.MIN_VALUE);
        assertThat(ConsumerOffsetsDecoder.partitionFor("polygenelubricants", 50))
                .isZero();
    }

    @Test
    void refusesBrokenRecordsNamingTheField() {
        assertThatThrownBy(() -> ConsumerOffsetsDecoder.decode(null, null))
                .isInstanceOf(Unreadable.class)
                .hasMessageContaining("without a key");
        assertThatThrownBy(() -> ConsumerOffsetsDecoder.decode(new byte[] {0}, null))
                .isInstanceOf(Unreadable.class)
                .hasMessageContaining("key: version needs 2 bytes at byte 0, 1 left");
        assertThatThrownBy(
                        () -> ConsumerOffsetsDecoder.decode(new Bytes().i16(-3).done(), null))
                .hasMessageContaining("key version -3 is negative");
        // a string that declares 32767 bytes with 2 left: refused before anything is allocated
        assertThatThrownBy(() -> ConsumerOffsetsDecoder.decode(HEX.parseHex("00017fff6162"), null))
                .isInstanceOf(Unreadable.class)
                .hasMessageContaining("key: group needs 32767 bytes at byte 4, 2 left");
        assertThatThrownBy(() ->
                        ConsumerOffsetsDecoder.decode(new Bytes().i16(1).i16(-1).done(), null))
                .hasMessageContaining("group is null");
        assertThatThrownBy(() -> ConsumerOffsetsDecoder.decode(
                        new Bytes().i16(1).i16(2).raw(0xc3).raw(0x28).done(), null))
                .hasMessageContaining("group is not valid UTF-8");
        assertThatThrownBy(() -> ConsumerOffsetsDecoder.decode(
                        new Bytes().i16(1).str("g").str("t").i32(-1).done(), null))
                .isInstanceOf(Unreadable.class)
                .hasMessageContaining("partition -1 is negative")
                .extracting(e -> ((Unreadable) e).group())
                .isEqualTo("g");
        assertThatThrownBy(() -> ConsumerOffsetsDecoder.decode(
                        new Bytes().i16(1).str("g").str("t").i32(0).raw(0).done(), null))
                .hasMessageContaining("key: 1 bytes follow the last field");

        byte[] key = key(1, "g", "t", 0);
        assertThatThrownBy(() -> ConsumerOffsetsDecoder.decode(key, new byte[0]))
                .isInstanceOf(Unreadable.class)
                .hasMessageContaining("value: version needs 2 bytes")
                .hasMessageContaining("(group \"g\")")
                .extracting(e -> ((Unreadable) e).group())
                .isEqualTo("g");
        assertThatThrownBy(() -> ConsumerOffsetsDecoder.decode(
                        key, new Bytes().i16(5).i64(1).done()))
                .hasMessageContaining("value version 5 of group \"g\" is not one of 0..4");
        assertThatThrownBy(() -> ConsumerOffsetsDecoder.decode(
                        key, new Bytes().i16(3).i64(1).i32(0).str("").done()))
                .hasMessageContaining("value: commitTimestamp needs 4 bytes");
        assertThatThrownBy(() -> ConsumerOffsetsDecoder.decode(
                        key, new Bytes().i16(0).i64(1).str("").i64(2).raw(9).done()))
                .hasMessageContaining("value: 1 bytes follow the last field");
        // v4: a varint that never ends, a tag whose size runs past the end, tags out of order
        assertThatThrownBy(() -> ConsumerOffsetsDecoder.decode(
                        key,
                        new Bytes()
                                .i16(4)
                                .i64(1)
                                .i32(0)
                                .raw(0xff)
                                .raw(0xff)
                                .raw(0xff)
                                .raw(0xff)
                                .raw(0x7f)
                                .done()))
                .hasMessageContaining("metadata length is not an unsigned varint that fits 31 bits");
        assertThatThrownBy(() -> ConsumerOffsetsDecoder.decode(
                        key,
                        new Bytes()
                                .i16(4)
                                .i64(1)
                                .i32(0)
                                .raw(1)
                                .i64(2)
                                .raw(1)
                                .raw(0)
                                .raw(0x7f)
                                .done()))
                .hasMessageContaining("tag 0 needs 127 bytes");
        assertThatThrownBy(() -> ConsumerOffsetsDecoder.decode(
                        key,
                        new Bytes()
                                .i16(4)
                                .i64(1)
                                .i32(0)
                                .raw(1)
                                .i64(2)
                                .raw(2)
                                .raw(3)
                                .raw(0)
                                .raw(1)
                                .raw(0)
                                .done()))
                .hasMessageContaining("tag 1 follows tag 3: tags must ascend");
    }

    @Test
    void randomBytesAreReadOrRefusedNeverAnythingElse() {
        Random r = new Random(SEED);
        byte[] goodKey = key(1, "g", "t", 0);
        int read = 0;
        for (int i = 0; i < 50_000; i++) {
            byte[] key;
            byte[] value;
            if (i % 2 == 0) { // a plausible key, so that random values get read
                key = goodKey;
                value = new byte[2 + r.nextInt(47)];
                r.nextBytes(value);
                value[0] = 0;
                value[1] = (byte) r.nextInt(6);
            } else {
                key = randomBytes(r, 40);
                if (key.length >= 2) {
                    key[0] = 0;
                    key[1] = (byte) r.nextInt(3);
                }
                value = r.nextInt(4) == 0 ? null : randomBytes(r, 40);
            }
            try {
                ConsumerOffsetsDecoder.decode(key, value);
                read++;
            } catch (Unreadable expected) {
                assertThat(expected.getMessage())
                        .as("seed %d, case %d", SEED, i)
                        .startsWith("__consumer_offsets: ");
            } catch (RuntimeException | Error e) {
                throw new AssertionError(
                        "seed " + SEED + ", case " + i + ": key " + HEX.formatHex(key) + " value "
                                + (value == null ? "null" : HEX.formatHex(value)) + ": " + e,
                        e);
            }
        }
        assertThat(read).as("seed %d: some random records are readable", SEED).isPositive();
    }

    private static byte[] key(int version, String group, String topic, int partition) {
        return new Bytes().i16(version).str(group).str(topic).i32(partition).done();
    }

    private static byte[] randomBytes(Random r, int max) {
        byte[] b = new byte[r.nextInt(max + 1)];
        r.nextBytes(b);
        return b;
    }

    private static String randomString(Random r) {
        int n = r.nextInt(20);
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            s.append(
                    switch (r.nextInt(4)) {
                        case 0 -> String.valueOf((char) ('a' + r.nextInt(26)));
                        case 1 -> "-";
                        case 2 -> "é";
                        default -> "日";
                    });
        }
        return s.toString();
    }

    /** Big-endian bytes, as the coordinator writes them. */
    private static final class Bytes {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final DataOutputStream out = new DataOutputStream(bytes);

        Bytes i16(int v) {
            return write(() -> out.writeShort(v));
        }

        Bytes i32(int v) {
            return write(() -> out.writeInt(v));
        }

        Bytes i64(long v) {
            return write(() -> out.writeLong(v));
        }

        Bytes str(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            return i16(b.length).write(() -> out.write(b));
        }

        Bytes raw(int b) {
            return write(() -> out.writeByte(b));
        }

        Bytes zeros(int n) {
            return write(() -> out.write(new byte[n]));
        }

        byte[] done() {
            return bytes.toByteArray();
        }

        private interface Io {
            void run() throws IOException;
        }

        private Bytes write(Io io) {
            try {
                io.run();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }
    }
}
