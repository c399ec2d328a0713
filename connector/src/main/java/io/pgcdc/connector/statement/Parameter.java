package io.pgcdc.connector.statement;

import java.util.Arrays;
import java.util.List;

/**
 * A named parameter of a template: where its value comes from ({@link Root}) and the field path
 * below it ({@code :value.address.city} is VALUE with path [address, city]).
 *
 * @param name the name as written, without the colon
 */
record Parameter(String name, Root root, List<String> path) {
  /** The parts of a record a parameter can read. */
  enum Root {
    VALUE("value", true),
    KEY("key", true),
    BEFORE("before", true),
    HEADER("header", true),
    OP("op", false),
    TOPIC("topic", false),
    PARTITION("partition", false),
    OFFSET("offset", false),
    TIMESTAMP("timestamp", false);

    private final String word;
    private final boolean takesPath;

    Root(String word, boolean takesPath) {
      this.word = word;
      this.takesPath = takesPath;
    }

    String word() {
      return word;
    }
  }

  Parameter {
    path = List.copyOf(path);
  }

  /**
   * Reads a parameter name.
   *
   * @throws IllegalArgumentException naming the parameter and the parameters there are
   */
  static Parameter parse(String name) {
    String[] parts = name.split("\\.");
    for (Root root : Root.values()) {
      if (!root.word.equals(parts[0])) {
        continue;
      }
      List<String> path = Arrays.asList(parts).subList(1, parts.length);
      if (!root.takesPath && !path.isEmpty()) {
        throw new IllegalArgumentException(
            "the parameter :" + name + " has a path, but :" + root.word + " has no fields");
      }
      if (root == Root.HEADER && path.size() != 1) {
        throw new IllegalArgumentException(
            "the parameter :"
                + name
                + " must name one header: :header.NAME (a header name with a dot cannot be read)");
      }
      return new Parameter(name, root, path);
    }
    throw new IllegalArgumentException(
        "unknown parameter :"
            + name
            + ": a parameter is :value.FIELD, :key.FIELD, :before.FIELD (nested fields by path),"
            + " :header.NAME, :op, :topic, :partition, :offset or :timestamp; for a field of the"
            + " record value write :value."
            + name
            + " (a literal colon in the SQL must be inside quotes)");
  }
}
