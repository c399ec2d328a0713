package io.pgcdc.connector.source.signal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgcdc.decoder.Lsn;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One signal, as the signal function writes its body: {@code {"slot": ..., "action": ..., "tables":
 * [...], "condition": ..., "by": <session user>, "wal": <WAL insert position when signed>}}.
 *
 * @param tables the table names as given (resolved against the captured tables later)
 * @param condition the row condition of a snapshot; null for all rows
 * @param by the role that called the function (for the log)
 * @param wal where the WAL was when the function signed it: a copy of the message written later (a
 *     replay) is told by it
 */
public record Signal(
    String slot, Action action, List<String> tables, String condition, String by, long wal) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** What a signal asks for. */
  public enum Action {
    /** Copy the tables again (the rows matching the condition), while streaming. */
    SNAPSHOT,
    /** Stop the copies on demand of the tables (all when none are named). */
    STOP,
    /** Start no new chunk until resumed. */
    PAUSE,
    RESUME;

    /** The action named {@code text} (any case); throws naming the actions when none is. */
    public static Action of(String text) {
      try {
        return valueOf(text.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException | NullPointerException e) {
        throw new IllegalArgumentException(
            "unknown signal action '" + text + "': use snapshot, stop, pause or resume");
      }
    }

    public String text() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Reads a verified body; throws {@link IllegalArgumentException} saying what is wrong. */
  static Signal parse(String body) {
    JsonNode node;
    try {
      node = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("the signal is not JSON: " + e.getOriginalMessage());
    }
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("the signal is not a JSON object");
    }
    List<String> tables = new ArrayList<>();
    for (JsonNode t : node.path("tables")) {
      tables.add(t.asText());
    }
    JsonNode condition = node.path("condition");
    return new Signal(
        node.path("slot").asText(),
        Action.of(node.path("action").asText(null)),
        List.copyOf(tables),
        condition.isTextual() ? condition.asText() : null,
        node.path("by").asText("?"),
        Lsn.parse(node.path("wal").asText("")).value());
  }

  /** For the log: {@code snapshot of [public.t] where (id > 5), by alice}. */
  public String describe() {
    return action.text()
        + (tables.isEmpty() ? "" : " of " + tables)
        + (condition == null ? "" : " where (" + condition + ")")
        + ", by "
        + by;
  }
}
