package dev.trimtab.ingest.core;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads the records of Kafka's {@code __consumer_offsets} topic, where the group coordinator logs
 * every committed offset, as LinkedIn's Burrow does; written by hand because the production image
 * has no broker classes. The format is Kafka's coordinator records ({@code group-coordinator/src/
 * main/resources/common/message/*.json}): big-endian, a key and a value each starting with an int16
 * version, strings as int16 length and UTF-8 bytes (flexible versions: unsigned-varint length + 1).
 *
 * <ul>
 *   <li>Key version 0 ({@code LegacyOffsetCommitKey}) and 1 ({@code OffsetCommitKey}): group,
 *       topic, int32 partition: an offset commit. Its value, {@code OffsetCommitValue}:
 *       <ul>
 *         <li>v0, v2: int64 offset, string metadata, int64 commitTimestamp;</li>
 *         <li>v1: the same plus int64 expireTimestamp;</li>
 *         <li>v3: int64 offset, int32 leaderEpoch, string metadata, int64 commitTimestamp (what
 *             Kafka 3.x and 4.x brokers write, v1 when the commit carries a retention);</li>
 *         <li>v4 (flexible): as v3 with a compact string, then tagged fields (tag 0: topic id).</li>
 *       </ul>
 *       A null value is a tombstone: the offset was deleted (expired, the topic deleted, or
 *       {@code deleteConsumerGroupOffsets}).</li>
 *   <li>Any other key version (2 {@code GroupMetadataKey}, 3 and up: the consumer, share and
 *       streams groups' records of KIP-848 and later): not an offset, {@link Other}, value unread.</li>
 * </ul>
 * Every length is checked against the bytes left before anything is allocated, strings must be
 * valid UTF-8, and a key or non-flexible value must end where its schema ends: anything else is
 * {@link Unreadable}, whose message names the field; nothing else is ever thrown.
 */
public final class ConsumerOffsetsDecoder {
    /** The topic's name. */
    public static final String TOPIC = "__consumer_offsets";
    /** The highest {@code OffsetCommitValue} version read. */
    public static final short MAX_VALUE_VERSION = 4;

    /** What one record says. */
    public sealed interface Entry permits Commit, Deletion, Other {}

    /**
     * An offset commit of {@code group} on a topic partition.
     *
     * @param leaderEpoch     -1 when not recorded (value versions before 3)
     * @param commitTimestamp epoch milliseconds, as the coordinator wrote it
     * @param expireTimestamp epoch milliseconds, -1 unless value version 1
     */
    public record Commit(
            String group,
            String topic,
            int partition,
            long offset,
            int leaderEpoch,
            String metadata,
            long commitTimestamp,
            long expireTimestamp,
            short valueVersion)
            implements Entry {}

    /** The committed offset of {@code group} on a topic partition was deleted. */
    public record Deletion(String group, String topic, int partition) implements Entry {}

    /** A record that is not about an offset (group metadata and newer record types). */
    public record Other(short keyVersion) implements Entry {}

    /**
     * A record that cannot be read: the message names the field. {@link #group()} is the commit's
     * group when the key could be read (only the value could not), else null.
     */
    public static final class Unreadable extends RuntimeException {
        private final String group;

        Unreadable(String message, String group) {
            super(message, null, false, false);
            this.group = group;
        }

        public String group() {
            return group;
        }
    }

    private ConsumerOffsetsDecoder() {}

    /** The record with this key and value (null: a tombstone). */
    public static Entry decode(byte[] key, byte[] value) {
        if (key == null) {
            throw new Unreadable(TOPIC + ": a record without a key", null);
        }
        Reader k = new Reader(key, "key", null);
        short keyVersion = k.int16("version");
        if (keyVersion < 0) {
            throw new Unreadable(TOPIC + ": key version " + keyVersion + " is negative", null);
        }
        if (keyVersion > 1) {
            return new Other(keyVersion);
        }
        String group = k.string("group");
        String topic = k.string("topic");
        int partition = k.int32("partition");
        k.end();
        if (partition < 0) {
            throw new Unreadable(
                    TOPIC + ": key partition " + partition + " is negative (group \"" + group + "\")", group);
        }
        if (value == null) {
            return new Deletion(group, topic, partition);
        }
        return value(new Reader(value, "value", group), group, topic, partition);
    }

    private static Commit value(Reader v, String group, String topic, int partition) {
        short version = v.int16("version");
        if (version < 0 || version > MAX_VALUE_VERSION) {
            throw new Unreadable(
                    TOPIC + ": value version " + version + " of group \"" + group + "\" is not one of 0.."
                            + MAX_VALUE_VERSION,
                    group);
        }
        long offset = v.int64("offset");
        int leaderEpoch = version >= 3 ? v.int32("leaderEpoch") : -1;
        String metadata = version >= 4 ? v.compactString("metadata") : v.string("metadata");
        long commitTimestamp = v.int64("commitTimestamp");
        long expireTimestamp = version == 1 ? v.int64("expireTimestamp") : -1;
        if (version >= 4) {
            v.taggedFields();
        }
        v.end();
        return new Commit(
                group, topic, partition, offset, leaderEpoch, metadata, commitTimestamp, expireTimestamp, version);
    }

    /**
     * The partition of {@code __consumer_offsets} that holds {@code group}'s records, as the
     * coordinator places it: {@code abs(group.hashCode()) % partitions}, where Kafka's
     * {@code Utils.abs} maps {@link Integer#MIN_VALUE} to 0.
     */
    public static int partitionFor(String group, int partitions) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions: " + partitions + ", must be at least 1");
        }
        int h = group.hashCode();
        return (h == Integer.MIN_VALUE ? 0 : Math.abs(h)) % partitions;
    }

    /** A bounds-checked big-endian cursor over one key or value. */
    private static final class Reader {
        private final byte[] b;
        private final String part;
        private final String group;
        private int pos;

        Reader(byte[] b, String part, String group) {
            this.b = b;
            this.part = part;
            this.group = group;
        }

        short int16(String field) {
            need(2, field);
            short s = (short) (((b[pos] & 0xff) << 8) | (b[pos + 1] & 0xff));
            pos += 2;
            return s;
        }

        int int32(String field) {
            need(4, field);
            int i = ((b[pos] & 0xff) << 24)
                    | ((b[pos + 1] & 0xff) << 16)
                    | ((b[pos + 2] & 0xff) << 8)
                    | (b[pos + 3] & 0xff);
            pos += 4;
            return i;
        }

        long int64(String field) {
            long hi = int32(field) & 0xffffffffL;
            long lo = int32(field) & 0xffffffffL;
            return (hi << 32) | lo;
        }

        /** A non-nullable string, int16 length (Kafka writes null as -1: refused, as Kafka's reader does). */
        String string(String field) {
            short n = int16(field + " length");
            if (n < 0) {
                throw fail(field + " is null (length " + n + "), the schema does not allow it");
            }
            return utf8(n, field);
        }

        /** A compact string: unsigned varint length + 1, 0 for null (read as ""). */
        String compactString(String field) {
            int n = uvarint(field + " length");
            return n == 0 ? "" : utf8(n - 1, field);
        }

        /** Tagged fields: a count, then each tag's number, size and bytes (skipped; tags must ascend). */
        void taggedFields() {
            int count = uvarint("tagged field count");
            int last = -1;
            for (int i = 0; i < count; i++) {
                int tag = uvarint("tag");
                if (tag <= last) {
                    throw fail("tag " + tag + " follows tag " + last + ": tags must ascend");
                }
                last = tag;
                int size = uvarint("tag " + tag + " size");
                need(size, "tag " + tag);
                pos += size;
            }
        }

        /** An unsigned varint of at most 5 bytes that fits an int. */
        int uvarint(String field) {
            int value = 0;
            for (int i = 0; i < 5; i++) {
                need(1, field);
                int x = b[pos++] & 0xff;
                if (i == 4 && (x & 0xf8) != 0) {
                    break;
                }
                value |= (x & 0x7f) << (7 * i);
                if ((x & 0x80) == 0) {
                    return value;
                }
            }
            throw fail(field + " is not an unsigned varint that fits 31 bits");
        }

        void end() {
            if (pos != b.length) {
                throw fail((b.length - pos) + " bytes follow the last field");
            }
        }

        private String utf8(int n, String field) {
            need(n, field);
            try {
                CharBuffer chars = StandardCharsets.UTF_8
                        .newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(b, pos, n));
                pos += n;
                return chars.toString();
            } catch (CharacterCodingException e) {
                throw fail(field + " is not valid UTF-8");
            }
        }

        private void need(int n, String field) {
            if (n < 0 || n > b.length - pos) {
                throw fail(field + " needs " + Integer.toUnsignedString(n) + " bytes at byte " + pos + ", "
                        + (b.length - pos) + " left");
            }
        }

        private Unreadable fail(String what) {
            return new Unreadable(
                    TOPIC + ": " + part + ": " + what + (group == null ? "" : " (group \"" + group + "\")"), group);
        }
    }
}
