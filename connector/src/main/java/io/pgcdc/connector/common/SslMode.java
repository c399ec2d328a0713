package io.pgcdc.connector.common;

import java.util.Arrays;
import java.util.Locale;

/** The {@code sslmode} values we support, with pgjdbc's spelling. */
public enum SslMode {
  DISABLE,
  REQUIRE,
  VERIFY_CA,
  VERIFY_FULL;

  /** The value as PostgreSQL and pgjdbc spell it: {@code verify-ca}. */
  public String value() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** Parses {@code disable}, {@code require}, {@code verify-ca} or {@code verify-full}. */
  public static SslMode parse(String text) {
    for (SslMode mode : values()) {
      if (mode.value().equalsIgnoreCase(text.trim())) {
        return mode;
      }
    }
    throw new IllegalArgumentException(
        "sslmode must be one of "
            + Arrays.stream(values()).map(SslMode::value).toList()
            + ", got '"
            + text
            + "'");
  }
}
