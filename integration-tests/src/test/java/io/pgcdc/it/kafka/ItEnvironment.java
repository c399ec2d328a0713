package io.pgcdc.it.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the build put what the fixtures need. Failsafe and the quickstart pass these as system
 * properties (see integration-tests/pom.xml); the defaults fit a run from integration-tests/.
 */
public final class ItEnvironment {
  private ItEnvironment() {}

  /** The folder given to the worker as {@code plugin.path}: holds pgcdc-connector-VERSION/. */
  public static Path pluginDir() {
    return existing("pgcdc.plugin.dir", "target/plugins");
  }

  /**
   * Further folders of the worker's {@code plugin.path}, after {@link #pluginDir()}: Debezium's
   * unpacked plugin archives, for the interoperability tests. Empty where the property is not set
   * (the quickstart): that worker loads pgcdc alone.
   */
  public static List<Path> extraPluginDirs() {
    String dirs = System.getProperty("pgcdc.extra.plugin.dirs", "");
    List<Path> paths = new ArrayList<>();
    for (String dir : dirs.split(",")) {
      if (!dir.isBlank()) {
        paths.add(existingPath("pgcdc.extra.plugin.dirs", dir.strip()));
      }
    }
    return List.copyOf(paths);
  }

  /** The repository's config/ folder: worker properties and connector JSON. */
  public static Path configDir() {
    return existing("pgcdc.config.dir", "../config");
  }

  /** A file with the broker's and worker's classpath, written by maven-dependency-plugin. */
  public static Path kafkaClasspathFile() {
    return existing("pgcdc.kafka.classpath.file", "target/kafka.classpath");
  }

  /** Where broker and worker logs go; created if missing. */
  public static Path logDir() {
    Path dir = Path.of(System.getProperty("pgcdc.log.dir", "target/it-logs")).toAbsolutePath();
    try {
      return Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create log folder " + dir, e);
    }
  }

  /** The project version the plugin was built with. */
  public static String projectVersion() {
    String version = System.getProperty("pgcdc.version");
    if (version == null || version.isBlank()) {
      throw new IllegalStateException(
          "system property pgcdc.version is not set: run through Maven (failsafe passes it)");
    }
    return version;
  }

  private static Path existing(String property, String fallback) {
    return existingPath(property, System.getProperty(property, fallback));
  }

  private static Path existingPath(String property, String value) {
    Path path = Path.of(value).toAbsolutePath().normalize();
    if (!Files.exists(path)) {
      throw new IllegalStateException(
          path
              + " does not exist (system property "
              + property
              + "): build with Maven from the repository root, e.g. mvn verify");
    }
    return path;
  }
}
