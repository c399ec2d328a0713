package io.pgcdc.it.kafka;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

final class FileTrees {
  private FileTrees() {}

  /** Deletes a folder and everything in it; reports, but does not throw, what it cannot delete. */
  static void deleteQuietly(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(FileTrees::deleteOne);
    } catch (IOException e) {
      System.err.println("pgcdc: cannot delete " + root + ": " + e);
    }
  }

  private static void deleteOne(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      System.err.println("pgcdc: cannot delete " + path + ": " + e);
    }
  }
}
