package io.pgcdc.connector.source.record;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;

/**
 * Names of the change envelope, the same as the widely used CDC envelope ({@code before}, {@code
 * after}, {@code source}, {@code op}, {@code ts_ms}) so that its consumers and unwrap transforms
 * work unchanged. docs/record-format.md describes every field.
 */
public final class Envelope {
  static final String BEFORE = "before";
  public static final String AFTER = "after";
  public static final String SOURCE = "source";
  public static final String OP = "op";
  public static final String TS_MS = "ts_ms";
  public static final String MESSAGE = "message";

  public static final String OP_READ = "r";
  public static final String OP_CREATE = "c";
  public static final String OP_UPDATE = "u";
  public static final String OP_DELETE = "d";
  static final String OP_TRUNCATE = "t";
  static final String OP_MESSAGE = "m";

  /** source.* fields. */
  static final String VERSION = "version";

  static final String CONNECTOR = "connector";
  static final String NAME = "name";
  static final String SNAPSHOT = "snapshot";
  static final String DB = "db";
  public static final String SCHEMA = "schema";
  public static final String TABLE = "table";
  public static final String TX_ID = "txId";
  static final String LSN = "lsn";
  public static final String COMMIT_LSN = "commit_lsn";
  static final String UNCHANGED_TOAST = "unchanged_toast_columns";
  static final String TEXT_VALUES = "text_values";

  private Envelope() {}

  static final Schema UNCHANGED_TOAST_SCHEMA =
      SchemaBuilder.array(Schema.STRING_SCHEMA).optional().build();

  /** before.column / after.column to the exact text of a value its typed field cannot hold. */
  static final Schema TEXT_VALUES_SCHEMA =
      SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.STRING_SCHEMA).optional().build();

  /** The {@code source} block's schema. */
  public static final Schema SOURCE_SCHEMA =
      SchemaBuilder.struct()
          .name("io.pgcdc.connector.source.Source")
          .field(VERSION, Schema.STRING_SCHEMA)
          .field(CONNECTOR, Schema.STRING_SCHEMA)
          .field(NAME, Schema.STRING_SCHEMA)
          .field(TS_MS, Schema.INT64_SCHEMA)
          .field(SNAPSHOT, Schema.OPTIONAL_STRING_SCHEMA)
          .field(DB, Schema.STRING_SCHEMA)
          .field(SCHEMA, Schema.OPTIONAL_STRING_SCHEMA)
          .field(TABLE, Schema.OPTIONAL_STRING_SCHEMA)
          .field(TX_ID, Schema.OPTIONAL_INT64_SCHEMA)
          .field(LSN, Schema.OPTIONAL_INT64_SCHEMA)
          .field(COMMIT_LSN, Schema.OPTIONAL_INT64_SCHEMA)
          .field(UNCHANGED_TOAST, UNCHANGED_TOAST_SCHEMA)
          .field(TEXT_VALUES, TEXT_VALUES_SCHEMA)
          .build();
}
