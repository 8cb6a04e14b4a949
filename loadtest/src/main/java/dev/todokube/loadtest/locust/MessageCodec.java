package dev.todokube.loadtest.locust;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePacker;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.ArrayValue;
import org.msgpack.value.MapValue;
import org.msgpack.value.Value;

/**
 * msgpack encoding of {@link Message}s, as Locust's {@code Message.serialize}/{@code unserialize}
 * (msgpack-python with {@code raw=False}, so strings are UTF-8 str and maps may have integer keys).
 */
public final class MessageCodec {

    private MessageCodec() {
    }

    public static byte[] encode(Message message) {
        try (MessageBufferPacker packer = MessagePack.newDefaultBufferPacker()) {
            packer.packArrayHeader(3);
            packer.packString(message.type());
            pack(packer, message.data());
            pack(packer, message.nodeId());
            return packer.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("msgpack encoding in memory failed", e);
        }
    }

    /**
     * @throws IllegalArgumentException when the bytes are not a msgpack [type, data, node_id] array
     */
    public static Message decode(byte[] bytes) {
        try (MessageUnpacker unpacker = MessagePack.newDefaultUnpacker(bytes)) {
            Value value = unpacker.unpackValue();
            if (!value.isArrayValue() || value.asArrayValue().size() != 3 || !value.asArrayValue().get(0).isStringValue()) {
                throw new IllegalArgumentException("not a Locust message [type, data, node_id]: " + value);
            }
            ArrayValue array = value.asArrayValue();
            Object nodeId = toJava(array.get(2));
            return new Message(array.get(0).asStringValue().asString(), toJava(array.get(1)),
                    nodeId == null ? null : nodeId.toString());
        } catch (IOException | org.msgpack.core.MessagePackException e) {
            throw new IllegalArgumentException("undecodable message from master: " + e.getMessage(), e);
        }
    }

    private static void pack(MessagePacker packer, Object value) throws IOException {
        if (value == null) {
            packer.packNil();
        } else if (value instanceof String text) {
            packer.packString(text);
        } else if (value instanceof Boolean bool) {
            packer.packBoolean(bool);
        } else if (value instanceof Integer || value instanceof Long || value instanceof Short) {
            packer.packLong(((Number) value).longValue());
        } else if (value instanceof Double || value instanceof Float) {
            packer.packDouble(((Number) value).doubleValue());
        } else if (value instanceof Map<?, ?> map) {
            packer.packMapHeader(map.size());
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                pack(packer, entry.getKey());
                pack(packer, entry.getValue());
            }
        } else if (value instanceof Collection<?> list) {
            packer.packArrayHeader(list.size());
            for (Object item : list) {
                pack(packer, item);
            }
        } else if (value instanceof byte[] bytes) {
            packer.packBinaryHeader(bytes.length);
            packer.writePayload(bytes);
        } else {
            throw new IllegalArgumentException("cannot encode " + value.getClass().getName() + " for Locust");
        }
    }

    private static Object toJava(Value value) {
        switch (value.getValueType()) {
            case NIL:
                return null;
            case BOOLEAN:
                return value.asBooleanValue().getBoolean();
            case INTEGER:
                return value.asIntegerValue().isInLongRange()
                        ? (Object) value.asIntegerValue().toLong()
                        : (Object) value.asIntegerValue().toBigInteger();
            case FLOAT:
                return value.asFloatValue().toDouble();
            case STRING:
                return value.asStringValue().asString();
            case BINARY:
                return value.asBinaryValue().asByteArray();
            case ARRAY: {
                List<Object> list = new ArrayList<>();
                for (Value item : value.asArrayValue()) {
                    list.add(toJava(item));
                }
                return list;
            }
            case MAP: {
                MapValue map = value.asMapValue();
                Map<Object, Object> result = new LinkedHashMap<>();
                for (Map.Entry<Value, Value> entry : map.entrySet()) {
                    result.put(toJava(entry.getKey()), toJava(entry.getValue()));
                }
                return result;
            }
            default:
                return value.toString();
        }
    }

    /** A whole number from decoded data (msgpack integers decode as Long, floats are truncated), or the fallback. */
    static long asLong(Object value, long fallback) {
        if (value instanceof Long number) {
            return number;
        }
        if (value instanceof BigInteger big) {
            return big.longValue();
        }
        if (value instanceof Number number) {
            return number.longValue();
        }
        return fallback;
    }
}
