package io.pgcdc.connector.statement;

/** What a record asks for, which picks its template. */
public enum Operation {
  /** An insert or snapshot read (op c, r), or a flat record. */
  INSERT(StatementSinkConfig.INSERT_CONFIG, true),
  /** An update (op u). */
  UPDATE(StatementSinkConfig.UPDATE_CONFIG, true),
  /** A delete (op d). */
  DELETE(StatementSinkConfig.DELETE_CONFIG, true),
  /** A record with a null value. */
  TOMBSTONE(StatementSinkConfig.TOMBSTONE_CONFIG, false),
  /** A truncate (op t) or a logical decoding message (op m): never run. */
  OTHER(null, false);

  private final String setting;
  private final boolean usesDefaultStatement;

  Operation(String setting, boolean usesDefaultStatement) {
    this.setting = setting;
    this.usesDefaultStatement = usesDefaultStatement;
  }

  /** The setting of this operation's own template; null for none. */
  String setting() {
    return setting;
  }

  /** Whether {@code statement} is the template when the operation has none of its own. */
  boolean usesDefaultStatement() {
    return usesDefaultStatement;
  }

  /** The operation of an envelope's op letter. */
  static Operation ofOp(String op) {
    return switch (op) {
      case "c", "r" -> INSERT;
      case "u" -> UPDATE;
      case "d" -> DELETE;
      default -> OTHER;
    };
  }
}
