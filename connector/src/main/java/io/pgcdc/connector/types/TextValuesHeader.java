package io.pgcdc.connector.types;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.DataException;

/**
 * The header {@value #NAME} of a flat row (the query source's): the exact text of each value its
 * typed field cannot hold, as a JSON object from column name to text, in UTF-8 bytes. Bytes,
 * because Kafka's default header converter does not give strings with quotes or backslashes inside
 * a map back as they went in; it passes bytes as base64 text, which {@link #read} takes too.
 */
public final class TextValuesHeader {
  public static final String NAME = "pgcdc.text_values";
  public static final Schema SCHEMA = Schema.BYTES_SCHEMA;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<Map<String, String>> MAP = new TypeReference<>() {};

  private TextValuesHeader() {}

  public static byte[] write(Map<String, String> texts) {
    try {
      return JSON.writeValueAsBytes(texts);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a map of strings is always JSON", e);
    }
  }

  /**
   * The map of a header value as a header converter gives it back: the bytes, or their base64 text
   * (Kafka's SimpleHeaderConverter), or the JSON text.
   *
   * @throws DataException when it is none of these
   */
  public static Map<String, String> read(Object value) {
    byte[] json;
    if (value instanceof byte[] bytes) {
      json = bytes;
    } else if (value instanceof String text && text.startsWith("{")) {
      json = text.getBytes(StandardCharsets.UTF_8);
    } else if (value instanceof String text) {
      try {
        json = Base64.getDecoder().decode(text);
      } catch (IllegalArgumentException e) {
        throw new DataException("the header " + NAME + " is neither JSON nor base64 of JSON", e);
      }
    } else {
      throw new DataException(
          "the header "
              + NAME
              + " must be the bytes of a JSON object, got a "
              + (value == null ? "null" : value.getClass().getSimpleName()));
    }
    try {
      return JSON.readValue(json, MAP);
    } catch (IOException e) {
      throw new DataException(
          "the header "
              + NAME
              + " must be a JSON object from column name to text: "
              + e.getMessage(),
          e);
    }
  }
}
