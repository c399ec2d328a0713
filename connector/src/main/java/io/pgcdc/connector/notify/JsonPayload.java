package io.pgcdc.connector.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A payload read as JSON: the schemaless Connect value (maps, lists, strings, int64, float64,
 * booleans, nulls) and, for {@code key.mode=field}, a top-level field as key text.
 */
record JsonPayload(JsonNode tree) {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  /** Why a payload is not JSON: the parser's message and where it stopped. */
  static final class NotJsonException extends Exception {
    private static final long serialVersionUID = 1L;

    NotJsonException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** Parses {@code text}; throws {@link NotJsonException} naming the line and column. */
  static JsonPayload parse(String text) throws NotJsonException {
    if (text.isBlank()) {
      throw new NotJsonException("the payload is empty, which is not JSON", null);
    }
    try {
      return new JsonPayload(JSON.readTree(text));
    } catch (JsonProcessingException e) {
      String where =
          e.getLocation() == null
              ? ""
              : " at line "
                  + e.getLocation().getLineNr()
                  + ", column "
                  + e.getLocation().getColumnNr();
      throw new NotJsonException(
          "the payload is not JSON" + where + ": " + e.getOriginalMessage(), e);
    }
  }

  /** The payload as a schemaless Connect value. */
  Object value() {
    return value(tree);
  }

  private static Object value(JsonNode node) {
    switch (node.getNodeType()) {
      case OBJECT:
        {
          Map<String, Object> map = new LinkedHashMap<>();
          for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            map.put(e.getKey(), value(e.getValue()));
          }
          return map;
        }
      case ARRAY:
        {
          List<Object> list = new ArrayList<>(node.size());
          node.forEach(element -> list.add(value(element)));
          return list;
        }
      case STRING:
        return node.textValue();
      case NUMBER:
        return node.isIntegralNumber() && node.canConvertToLong()
            ? (Object) node.longValue()
            : (Object) node.doubleValue();
      case BOOLEAN:
        return node.booleanValue();
      default:
        return null;
    }
  }

  /**
   * The top-level field {@code name} as key text: a string as it is, any other value as its JSON
   * text; null when the payload is not an object or has no such field (or it is JSON null).
   */
  String field(String name) {
    JsonNode field = tree.isObject() ? tree.get(name) : null;
    if (field == null || field.isNull()) {
      return null;
    }
    return field.isTextual() ? field.textValue() : field.toString();
  }
}
