package io.pgcdc.it.kafka;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Reading the end of a log file for failure messages. */
public final class LogFiles {
  private LogFiles() {}

  /** Current size, to print only what was written after this point later. */
  public static long size(Path file) {
    try {
      return Files.exists(file) ? Files.size(file) : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  /**
   * Everything written at or after byte {@code offset} (Kafka logs ASCII; ISO-8859-1 keeps byte
   * offsets exact).
   */
  public static String since(Path file, long offset) {
    try {
      byte[] bytes = Files.readAllBytes(file);
      int from = (int) Math.min(offset, bytes.length);
      return new String(bytes, from, bytes.length - from, StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The last {@code lines} lines of the file. */
  public static String tail(Path file, int lines) {
    return tailSince(file, 0, lines);
  }

  /** The last {@code lines} lines written at or after byte {@code offset}. */
  public static String tailSince(Path file, long offset, int lines) {
    if (!Files.exists(file)) {
      return "(no log file " + file + ")";
    }
    try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
      long length = in.length();
      long start = Math.max(offset, length - 256L * 1024);
      byte[] bytes = new byte[(int) Math.max(0, length - start)];
      in.seek(start);
      in.readFully(bytes);
      List<String> all = new String(bytes, StandardCharsets.UTF_8).lines().toList();
      return String.join(
          System.lineSeparator(), all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(cannot read " + file + ": " + e + ")";
    }
  }
}
