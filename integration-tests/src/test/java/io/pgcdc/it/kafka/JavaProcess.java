package io.pgcdc.it.kafka;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A JVM running a Kafka main class, its output in a log file. It runs in its own session (so a
 * Ctrl-C in the terminal reaches only the JVM that started it, which stops it in order) and ends
 * itself when that JVM is gone (see {@link ChildMain}).
 */
public final class JavaProcess {
  private static final Path SETSID = Path.of("/usr/bin/setsid");
  private static final Path ATTACH_SOCKET_DIR = Path.of("/tmp");

  private final String name;
  private final Process process;
  private final Path logFile;

  private JavaProcess(String name, Process process, Path logFile) {
    this.name = name;
    this.process = process;
    this.logFile = logFile;
  }

  /** {@link #start(String, String, List, Map, String, List, Path)} with this JVM's environment. */
  public static JavaProcess start(
      String name,
      String classpath,
      List<String> jvmOptions,
      String mainClass,
      List<String> args,
      Path logFile) {
    return start(name, classpath, jvmOptions, Map.of(), mainClass, args, logFile);
  }

  /**
   * Starts {@code mainClass} with {@code args} and this JVM's environment plus {@code environment};
   * output goes to {@code logFile}, which is appended to (a restarted worker keeps one log).
   */
  public static JavaProcess start(
      String name,
      String classpath,
      List<String> jvmOptions,
      Map<String, String> environment,
      String mainClass,
      List<String> args,
      Path logFile) {
    List<String> command = new ArrayList<>();
    if (Files.isExecutable(SETSID)) {
      command.add(SETSID.toString());
    }
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(launcherDir(logFile.getParent()) + java.io.File.pathSeparator + classpath);
    command.add(ChildMain.class.getName());
    command.add(Long.toString(ProcessHandle.current().pid()));
    command.add(mainClass);
    command.addAll(args);
    try {
      Files.createDirectories(logFile.getParent());
      Files.writeString(
          logFile,
          "==== pgcdc: starting " + name + ": " + String.join(" ", args) + System.lineSeparator(),
          StandardCharsets.UTF_8,
          java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.APPEND);
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
      builder.environment().putAll(environment);
      Process process = builder.start();
      return new JavaProcess(name, process, logFile);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name + " (" + command + ")", e);
    }
  }

  /** Copies {@link ChildMain} alone into a folder, so the child sees none of our test classes. */
  private static synchronized Path launcherDir(Path parent) {
    String classFile = ChildMain.class.getName().replace('.', '/') + ".class";
    Path dir = parent.resolve("launcher");
    Path target = dir.resolve(classFile);
    try (InputStream in = ChildMain.class.getClassLoader().getResourceAsStream(classFile)) {
      if (in == null) {
        throw new IllegalStateException("class file " + classFile + " not found");
      }
      Files.createDirectories(target.getParent());
      Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy " + classFile + " to " + dir, e);
    }
  }

  /** The command line of a process on this machine, from /proc (ProcessHandle.Info drops it). */
  public static List<String> commandLine(long pid) {
    try {
      return List.of(Files.readString(Path.of("/proc", Long.toString(pid), "cmdline")).split("\0"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the command line of pid " + pid, e);
    }
  }

  public String name() {
    return name;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public Path logFile() {
    return logFile;
  }

  /** Exit code, or -1 while it runs. */
  public int exitCode() {
    return process.isAlive() ? -1 : process.exitValue();
  }

  /** Waits for the process to end by itself, then returns its exit code. */
  public int awaitExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException(
            name + " still runs after " + timeout + "; log " + logFile + ":\n" + logTail(40));
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for " + name, e);
    }
  }

  /** SIGKILL: no shutdown hook, no flush; returns once the process is gone. */
  public void kill() {
    process.destroyForcibly();
    if (awaitExitQuietly(Duration.ofSeconds(30))) {
      removeAttachSocket();
    }
  }

  /** SIGTERM, then SIGKILL if it has not stopped within {@code grace}. */
  public void stop(Duration grace) {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    if (!awaitExitQuietly(grace)) {
      System.err.println("pgcdc: " + name + " did not stop within " + grace + ", killing it");
      kill();
      return;
    }
    removeAttachSocket();
  }

  /**
   * Deletes the socket a JVM makes when a tool or test attaches to it (SourceMetricsIT reads the
   * worker's MBeans so): HotSpot puts it in /tmp whatever java.io.tmpdir says, and leaves it there
   * when the JVM is killed or halted.
   */
  private void removeAttachSocket() {
    FileTrees.deleteQuietly(ATTACH_SOCKET_DIR.resolve(".java_pid" + process.pid()));
  }

  private boolean awaitExitQuietly(Duration timeout) {
    try {
      return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The last {@code lines} lines of the log. */
  public String logTail(int lines) {
    return LogFiles.tail(logFile, lines);
  }

  @Override
  public String toString() {
    return name + " (pid " + process.pid() + ", log " + logFile + ")";
  }
}
