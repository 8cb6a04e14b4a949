package dev.todokube.api.store;

import org.bson.BsonReader;
import org.bson.BsonType;
import org.bson.BsonWriter;
import org.bson.codecs.BsonTypeClassMap;
import org.bson.codecs.Codec;
import org.bson.codecs.DecoderContext;
import org.bson.codecs.EncoderContext;
import org.bson.codecs.configuration.CodecRegistry;

/**
 * Reads a todo document straight into a {@link Todo}, as the original wrote it: {@code _id} an
 * ObjectId, {@code title} and {@code tag} strings, {@code priority} any BSON number. Missing fields
 * read as "" and 0; a value of another type is read with the driver's default codec for that type
 * and turned into text, as the Document-based reading did. It skips the generic path (a Document,
 * a hash map per todo, a codec lookup per value), which was most of the server's CPU per GetTodos.
 * Writing is the encoder of the documents' original shape.
 */
final class TodoCodec implements Codec<Todo> {

    private final CodecRegistry registry;
    private final BsonTypeClassMap types = new BsonTypeClassMap();

    TodoCodec(CodecRegistry registry) {
        this.registry = registry;
    }

    @Override
    public Todo decode(BsonReader reader, DecoderContext context) {
        TodoId id = null;
        String title = "";
        String tag = "";
        int priority = 0;
        reader.readStartDocument();
        while (reader.readBsonType() != BsonType.END_OF_DOCUMENT) {
            switch (reader.readName()) {
                case "_id" -> id = reader.getCurrentBsonType() == BsonType.OBJECT_ID
                        ? TodoId.of(reader.readObjectId())
                        : new TodoId(String.valueOf(readAny(reader, context)));
                case "title" -> title = readText(reader, context);
                case "tag" -> tag = readText(reader, context);
                case "priority" -> priority = readPriority(reader, context);
                default -> reader.skipValue();
            }
        }
        reader.readEndDocument();
        if (id == null) {
            throw new IllegalStateException("a todo document without _id");
        }
        return new Todo(id, title, tag, priority);
    }

    private String readText(BsonReader reader, DecoderContext context) {
        if (reader.getCurrentBsonType() == BsonType.STRING) {
            return reader.readString();
        }
        Object value = readAny(reader, context);
        return value == null ? "" : value.toString();
    }

    private int readPriority(BsonReader reader, DecoderContext context) {
        return switch (reader.getCurrentBsonType()) {
            case INT32 -> reader.readInt32();
            case INT64 -> (int) reader.readInt64();
            case DOUBLE -> (int) reader.readDouble();
            default -> readAny(reader, context) instanceof Number number ? number.intValue() : 0;
        };
    }

    private Object readAny(BsonReader reader, DecoderContext context) {
        BsonType type = reader.getCurrentBsonType();
        if (type == BsonType.NULL) {
            reader.readNull();
            return null;
        }
        return registry.get(types.get(type)).decode(reader, context);
    }

    @Override
    public void encode(BsonWriter writer, Todo todo, EncoderContext context) {
        writer.writeStartDocument();
        writer.writeObjectId("_id", todo.id().toObjectId());
        writer.writeString("title", todo.title());
        writer.writeString("tag", todo.tag());
        writer.writeInt32("priority", todo.priority());
        writer.writeEndDocument();
    }

    @Override
    public Class<Todo> getEncoderClass() {
        return Todo.class;
    }
}
