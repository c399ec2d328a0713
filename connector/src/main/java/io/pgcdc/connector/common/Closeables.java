package io.pgcdc.connector.common;

/** Closing what is of no further use. */
public final class Closeables {
  private Closeables() {}

  /**
   * Closes {@code c} if it is not null, and ignores a failure: for a connection that is broken,
   * abandoned or done, where nothing that matters can go wrong in its close any more.
   */
  public static void closeQuietly(AutoCloseable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception ignored) {
      // nothing depends on it any more
    }
  }
}
