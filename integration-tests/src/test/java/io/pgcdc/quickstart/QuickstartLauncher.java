package io.pgcdc.quickstart;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@link Quickstart} in its own JVM, its output straight on the terminal, from {@code mvn
 * -Pquickstart} (exec:java). It keeps Maven alive on Ctrl-C until the quickstart has stopped
 * everything it started, so the prompt comes back only when nothing is left running.
 */
public final class QuickstartLauncher {
  private QuickstartLauncher() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    Process quickstart = new ProcessBuilder(command(forwardedProperties())).inheritIO().start();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  quickstart.destroy(); // SIGTERM: it stops what it started, then exits
                  try {
                    if (!quickstart.waitFor(3, TimeUnit.MINUTES)) {
                      quickstart.destroyForcibly();
                    }
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                },
                "pgcdc-quickstart-stop"));
    int exit = quickstart.waitFor();
    // 130 and 143: stopped by Ctrl-C (SIGINT) or SIGTERM, which is how a quickstart ends.
    if (exit != 0 && exit != 130 && exit != 143) {
      throw new IllegalStateException("the quickstart exited with code " + exit);
    }
  }

  /** This JVM's pgcdc.* and pg.version system properties, set by Maven. */
  static Map<String, String> forwardedProperties() {
    Map<String, String> properties = new TreeMap<>();
    for (String name : System.getProperties().stringPropertyNames()) {
      if (name.startsWith("pgcdc.") || name.equals("pg.version")) {
        properties.put(name, System.getProperty(name));
      }
    }
    return properties;
  }

  /**
   * The command that runs {@link Quickstart} with these system properties; its classpath comes from
   * {@code pgcdc.test.classes} and the file {@code pgcdc.test.classpath.file}.
   */
  static List<String> command(Map<String, String> properties) {
    Path classpathFile = Path.of(properties.get("pgcdc.test.classpath.file"));
    String classpath;
    try {
      classpath =
          properties.get("pgcdc.test.classes")
              + File.pathSeparator
              + Files.readString(classpathFile).strip();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + classpathFile, e);
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx512m");
    String tmpDir = properties.get("pgcdc.tmp.dir");
    if (tmpDir != null) {
      command.add("-Djava.io.tmpdir=" + tmpDir); // what lz4-java unpacks stays out of /tmp
    }
    properties.forEach((name, value) -> command.add("-D" + name + "=" + value));
    command.add("-cp");
    command.add(classpath);
    command.add(Quickstart.class.getName());
    return command;
  }
}
