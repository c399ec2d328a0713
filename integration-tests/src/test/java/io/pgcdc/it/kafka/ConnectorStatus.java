package io.pgcdc.it.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * GET /connectors/NAME/status.
 *
 * @param name the connector
 * @param state the connector's state: UNASSIGNED, RUNNING, PAUSED, STOPPED, FAILED, RESTARTING
 * @param trace the connector's stack trace when FAILED, else null
 * @param tasks its tasks
 */
public record ConnectorStatus(String name, String state, String trace, List<TaskStatus> tasks) {

  /**
   * One task.
   *
   * @param id task number
   * @param state its state
   * @param trace its stack trace when FAILED, else null
   */
  public record TaskStatus(int id, String state, String trace) {}

  static ConnectorStatus fromJson(JsonNode json) {
    List<TaskStatus> tasks = new ArrayList<>();
    for (JsonNode task : json.path("tasks")) {
      tasks.add(
          new TaskStatus(
              task.path("id").asInt(), task.path("state").asText(), text(task.path("trace"))));
    }
    JsonNode connector = json.path("connector");
    return new ConnectorStatus(
        json.path("name").asText(),
        connector.path("state").asText(),
        text(connector.path("trace")),
        List.copyOf(tasks));
  }

  private static String text(JsonNode node) {
    return node.isMissingNode() || node.isNull() ? null : node.asText();
  }

  /** The connector and all its tasks, at least one, are RUNNING. */
  public boolean running() {
    return state.equals("RUNNING")
        && !tasks.isEmpty()
        && tasks.stream().allMatch(task -> task.state().equals("RUNNING"));
  }

  /** The connector or one of its tasks is FAILED. */
  public boolean failed() {
    return state.equals("FAILED") || tasks.stream().anyMatch(task -> task.state().equals("FAILED"));
  }

  /** The stack traces of the connector and its failed tasks, in one text. */
  public String traces() {
    StringBuilder text = new StringBuilder();
    if (trace != null) {
      text.append("connector: ").append(trace).append('\n');
    }
    for (TaskStatus task : tasks) {
      if (task.trace() != null) {
        text.append("task ").append(task.id()).append(": ").append(task.trace()).append('\n');
      }
    }
    return text.toString();
  }

  /** States and traces, for failure messages. */
  public String describe() {
    StringBuilder text = new StringBuilder("connector ").append(state).append(", tasks [");
    for (TaskStatus task : tasks) {
      text.append(' ').append(task.id()).append('=').append(task.state());
    }
    text.append(" ]");
    String traces = traces();
    return traces.isEmpty() ? text.toString() : text + "\n" + traces;
  }
}
