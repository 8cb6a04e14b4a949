package dev.todokube.testkit.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import org.bson.Document;
import org.junit.jupiter.api.Test;

class InProcessMongoTest {

    /** The original Go service's driver (mgo) asks for a nonce on every connection before anything else. */
    @Test
    void answersGetnonceAsMongoDbUpTo40Did() {
        try (InProcessMongo mongo = InProcessMongo.start(); MongoClient client = MongoClients.create(mongo.uri())) {
            Document reply = client.getDatabase("admin").runCommand(new Document("getnonce", 1));

            assertThat(reply.getDouble("ok")).isEqualTo(1.0);
            assertThat(reply.getString("nonce")).matches("[0-9a-f]{16}");
        }
    }

    @Test
    void keepsTheDataThroughAnOutage() {
        try (InProcessMongo mongo = InProcessMongo.start(); MongoClient client = MongoClients.create(mongo.uri())) {
            client.getDatabase("TodosDB").getCollection("todos").insertOne(new Document("title", "kept"));

            mongo.stop();
            mongo.restart();

            assertThat(client.getDatabase("TodosDB").getCollection("todos").find().first()).containsEntry("title", "kept");
        }
    }
}
