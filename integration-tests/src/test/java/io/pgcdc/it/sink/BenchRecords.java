package io.pgcdc.it.sink;

import java.math.BigInteger;
import java.util.Base64;

/**
 * The rows of {@link SinkThroughputBenchmark}: each row as COPY text, and as a record's key and
 * value in JSON, either flat without schemas or with its schema embedded in every record, as
 * Kafka's and pgcdc's JsonConverter write them with {@code schemas.enable=true} (a flattened change
 * event: Decimal as base64 bytes, a zoned timestamp as ISO 8601 text, json as text).
 */
final class BenchRecords {
  private static final String KEY_SCHEMA =
      "{\"type\":\"struct\",\"fields\":[{\"field\":\"id\",\"type\":\"int64\",\"optional\":false}],"
          + "\"optional\":false,\"name\":\"bench.Key\"}";
  private static final String VALUE_SCHEMA =
      "{\"type\":\"struct\",\"fields\":["
          + "{\"field\":\"id\",\"type\":\"int64\",\"optional\":false},"
          + "{\"field\":\"name\",\"type\":\"string\",\"optional\":true},"
          + "{\"field\":\"amount\",\"type\":\"bytes\",\"optional\":true,"
          + "\"name\":\"org.apache.kafka.connect.data.Decimal\",\"version\":1,"
          + "\"parameters\":{\"scale\":\"2\",\"connect.decimal.precision\":\"12\"}},"
          + "{\"field\":\"ts\",\"type\":\"string\",\"optional\":true,"
          + "\"name\":\"io.debezium.time.ZonedTimestamp\",\"version\":1},"
          + "{\"field\":\"doc\",\"type\":\"string\",\"optional\":true,"
          + "\"name\":\"io.debezium.data.Json\",\"version\":1}],"
          + "\"optional\":false,\"name\":\"bench.Value\"}";

  private final boolean schemas;

  BenchRecords(boolean schemas) {
    this.schemas = schemas;
  }

  /** A row's columns as COPY text; the records carry the same values. */
  static String[] row(long id, String name) {
    return new String[] {
      Long.toString(id),
      name,
      (id % 100_000) + "." + String.format("%02d", id % 100),
      "2024-01-01 00:00:00.123456+00",
      "{\"id\": " + id + ", \"tags\": [\"a\", \"b\"], \"ok\": true}"
    };
  }

  /** Record i of the inserts: a new row i. */
  String[] insert(int i) {
    return new String[] {key(i), value(i, "name-" + i)};
  }

  /**
   * Record i of the mixed phase after {@code rows} inserts: 30% update row i, 5% delete row i
   * (tombstones), else insert a new row.
   */
  String[] mixed(int rows, int i) {
    int bucket = i % 100;
    if (bucket < 30) {
      return new String[] {key(i), value(i, "updated-" + i)};
    }
    if (bucket < 35) {
      return new String[] {key(i), null};
    }
    long id = (long) rows + i;
    return new String[] {key(id), value(id, "new-" + id)};
  }

  private String key(long id) {
    String payload = "{\"id\":" + id + "}";
    return schemas ? "{\"schema\":" + KEY_SCHEMA + ",\"payload\":" + payload + "}" : payload;
  }

  private String value(long id, String name) {
    String[] row = row(id, name);
    String doc = "\"" + row[4].replace("\"", "\\\"") + "\"";
    if (!schemas) {
      return "{\"id\":"
          + row[0]
          + ",\"name\":\""
          + row[1]
          + "\",\"amount\":\""
          + row[2]
          + "\",\"ts\":\""
          + row[3]
          + "\",\"doc\":"
          + doc
          + "}";
    }
    BigInteger unscaled = BigInteger.valueOf((id % 100_000) * 100 + id % 100);
    String payload =
        "{\"id\":"
            + id
            + ",\"name\":\""
            + name
            + "\",\"amount\":\""
            + Base64.getEncoder().encodeToString(unscaled.toByteArray())
            + "\",\"ts\":\"2024-01-01T00:00:00.123456Z\",\"doc\":"
            + doc
            + "}";
    return "{\"schema\":" + VALUE_SCHEMA + ",\"payload\":" + payload + "}";
  }
}
