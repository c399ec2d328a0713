package io.pgcdc.it.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.apicurio.registry.utils.converter.avro.AvroData;
import io.pgcdc.it.kafka.ConnectCluster;
import io.pgcdc.it.kafka.ConnectorDefinition;
import io.pgcdc.it.kafka.KafkaConnectExtension;
import io.pgcdc.it.pg.PostgresExtension;
import io.pgcdc.it.pg.PostgresServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.storage.Converter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Typed records of every type, as a pgcdc source writes them through the worker (snapshot and
 * streamed; ordinary values, edge values with their {@code source.text_values}, NULLs, an update, a
 * delete), survive Avro: read from the topic with pgcdc's JsonConverter into Connect data,
 * converted to Avro with Apicurio's {@code AvroData} (a Connect-to-Avro converter on Maven Central;
 * Confluent's is not there), written as Avro binary with Avro's {@code GenericDatumWriter}, read
 * back with {@code GenericDatumReader} and converted back to Connect data, each key and value has
 * the schema it had, and pgcdc's converter writes the JSON of the topic again.
 *
 * <p>No schema registry: none can run here from Maven Central without containers (Apicurio's is a
 * Quarkus application), so the test covers the data conversion and the binary encoding that an Avro
 * converter with a registry performs around the registry lookup, with the writer's schema at hand
 * as a registry would give it.
 */
@ExtendWith({PostgresExtension.class, KafkaConnectExtension.class})
class AvroRoundTripIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(120);

  /** 3 snapshot rows, 2 inserts, an update, a delete and its tombstone. */
  private static final int RECORDS = 8;

  @Test
  void everyTypeSurvivesConnectToAvroBinaryAndBack(PostgresServer pg, ConnectCluster cluster)
      throws IOException {
    try (InteropPipeline p = new InteropPipeline(cluster, pg, "avro")) {
      String table = p.createEveryTypeTable(Set.of());
      ConnectorDefinition source = p.source("src", table);
      String topic = InteropPipeline.topic(source, table);
      p.start(source, TIMEOUT);
      p.awaitRecords(topic, 3, TIMEOUT);
      p.changeEveryTypeTable(table);
      List<ConsumerRecord<byte[], byte[]>> records =
          p.read(topic, r -> r.size() >= RECORDS, TIMEOUT);

      AvroData avro = new AvroData(100);
      try (Converter keys = PgcdcJson.converter(true);
          Converter values = PgcdcJson.converter(false)) {
        for (ConsumerRecord<byte[], byte[]> r : records) {
          assertRoundTrip(avro, keys, topic, r.key());
          if (r.value() != null) {
            assertRoundTrip(avro, values, topic, r.value());
          }
        }
      }
    }
  }

  private static void assertRoundTrip(AvroData avro, Converter json, String topic, byte[] bytes)
      throws IOException {
    String text = new String(bytes, StandardCharsets.UTF_8);
    SchemaAndValue connect = json.toConnectData(topic, bytes);

    Schema schema = avro.fromConnectSchema(connect.schema());
    byte[] binary = write(schema, avro.fromConnectData(connect.schema(), connect.value()));
    SchemaAndValue back = avro.toConnectData(schema, read(schema, binary));

    assertThat(back.schema()).as("schema of %s", text).isEqualTo(connect.schema());
    // The value, compared as the JSON pgcdc's converter writes of it: Avro gives bytes back as
    // ByteBuffers, which Struct.equals does not compare with byte arrays, and a map as a HashMap.
    assertThat(JSON.readTree(json.fromConnectData(topic, back.schema(), back.value())))
        .as("value of %s", text)
        .isEqualTo(JSON.readTree(bytes));
  }

  private static byte[] write(Schema schema, Object datum) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    new GenericDatumWriter<Object>(schema).write(datum, encoder);
    encoder.flush();
    return out.toByteArray();
  }

  private static Object read(Schema schema, byte[] binary) throws IOException {
    return new GenericDatumReader<Object>(schema)
        .read(null, DecoderFactory.get().binaryDecoder(binary, null));
  }
}
