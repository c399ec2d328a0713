package io.pgcdc.connector.query;

import java.util.Locale;

/** How a query finds the rows it has not emitted yet. */
public enum QueryMode {
  /** Every run reads the whole result. */
  BULK("bulk"),
  /** Rows whose incrementing column is above the last one emitted. */
  INCREMENTING("incrementing"),
  /**
   * Rows whose timestamp is after the last one emitted, up to a bound no open transaction is
   * before.
   */
  TIMESTAMP("timestamp"),
  /**
   * As timestamp, continued on (timestamp, incrementing column) so that a page can end anywhere.
   */
  TIMESTAMP_INCREMENTING("timestamp+incrementing"),
  /**
   * Rows whose transaction (the result's {@code xmin} column) is at or after the horizon of the
   * last run's snapshot: for a query without a usable column. At least once: a row written between
   * the horizon and the snapshot can come again.
   */
  XMIN("xmin");

  private final String value;

  QueryMode(String value) {
    this.value = value;
  }

  public String value() {
    return value;
  }

  boolean usesTimestamp() {
    return this == TIMESTAMP || this == TIMESTAMP_INCREMENTING;
  }

  boolean usesIncrementing() {
    return this == INCREMENTING || this == TIMESTAMP_INCREMENTING;
  }

  static QueryMode parse(String text) {
    String wanted = text.strip().toLowerCase(Locale.ROOT);
    for (QueryMode m : values()) {
      if (m.value.equals(wanted)) {
        return m;
      }
    }
    throw new IllegalArgumentException(
        "'"
            + text
            + "' is no mode: use bulk, incrementing, timestamp, timestamp+incrementing or xmin");
  }
}
