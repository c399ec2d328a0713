package io.pgcdc.it.pg;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A server started from local binaries in a fresh directory under /tmp. As root, initdb and
 * postgres refuse to run, so they run as the {@code postgres} user (or {@code nobody}) through
 * {@code runuser}. Each directory records the PID of the JVM that owns it; a directory whose JVM is
 * gone (a killed test run) is stopped and removed by the next start.
 */
final class LocalServer implements PostgresServer.ServerProcess {
  static final String PASSWORD = "pgcdc-test-password";
  private static final String USER = "postgres";
  private static final String DATABASE = "pgcdc";
  private static final String DIR_PREFIX = "pgcdc-pg-";
  private static final int PORT_ATTEMPTS = 5;

  private final LocalBinaries binaries;
  private final Path dir;
  private final String runAs;
  private final List<String> extraSettings;
  private int port;
  private volatile Path keptLog;

  private LocalServer(LocalBinaries binaries, Path dir, String runAs, List<String> extraSettings) {
    this.binaries = binaries;
    this.dir = dir;
    this.runAs = runAs;
    this.extraSettings = List.copyOf(extraSettings);
  }

  static PostgresServer start(LocalBinaries binaries) {
    return start(binaries, List.of());
  }

  /**
   * Starts a server with {@code extraSettings} ({@code name=value}) after the fixture's own, which
   * they override (the server takes the last {@code -c} of a name).
   */
  static PostgresServer start(LocalBinaries binaries, List<String> extraSettings) {
    removeStaleDirectories();
    String runAs = isRoot() ? unprivilegedUser() : null;
    LocalServer server;
    try {
      Path tmp = LocalBinaries.SYSTEM_TMP;
      Path dir = Files.createTempDirectory(tmp, DIR_PREFIX);
      Files.writeString(dir.resolve("owner.pid"), Long.toString(ProcessHandle.current().pid()));
      Path pwfile = dir.resolve("pwfile");
      Files.writeString(pwfile, PASSWORD + "\n");
      if (runAs != null) {
        exec(List.of("chown", "-R", runAs, dir.toString()), "chown " + dir + " to " + runAs);
      }
      server = new LocalServer(binaries, dir, runAs, extraSettings);
      server.initdb(pwfile);
      server.startOnFreePort();
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot start PostgreSQL from " + binaries.origin() + ": " + e.getMessage(), e);
    }
    PostgresServer pg =
        new PostgresServer(
            "127.0.0.1",
            server.port,
            "postgres",
            USER,
            PASSWORD,
            binaries.origin() + " (PostgreSQL " + binaries.version() + ")",
            server);
    pg.execute("CREATE DATABASE " + DATABASE);
    return new PostgresServer(
        "127.0.0.1",
        server.port,
        DATABASE,
        USER,
        PASSWORD,
        binaries.origin() + " (PostgreSQL " + binaries.version() + ")",
        server);
  }

  private void initdb(Path pwfile) throws IOException {
    exec(
        command(
            binaries.tool("initdb").toString(),
            "-D",
            data().toString(),
            "-U",
            USER,
            "--pwfile=" + pwfile,
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync"),
        "initdb");
    // Replication connections from loopback, with a password, as a real deployment has them.
    Path hba = data().resolve("pg_hba.conf");
    Files.writeString(
        hba,
        "host replication all 127.0.0.1/32 scram-sha-256\n"
            + "host replication all ::1/128 scram-sha-256\n",
        java.nio.file.StandardOpenOption.APPEND);
  }

  private void startOnFreePort() throws IOException {
    IOException last = null;
    for (int attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
      port = freePort();
      try {
        pgCtlStart();
        return;
      } catch (IOException e) {
        last = e; // most likely the port was taken between the probe and the bind: try another
      }
    }
    throw new IOException("could not start after " + PORT_ATTEMPTS + " ports; last error", last);
  }

  /** Starts the server on {@link #port} and waits until it accepts connections. */
  private void pgCtlStart() throws IOException {
    exec(
        command(
            binaries.tool("pg_ctl").toString(),
            "-D",
            data().toString(),
            "-l",
            log().toString(),
            "-w",
            "-t",
            "120",
            "-o",
            serverOptions(),
            "start"),
        "pg_ctl start");
  }

  /** A fast shutdown (clients are disconnected), waiting until the server is down. */
  private List<String> pgCtlStop() {
    return command(
        binaries.tool("pg_ctl").toString(), "-D", data().toString(), "-m", "fast", "-w", "stop");
  }

  private String serverOptions() {
    List<String> options =
        new ArrayList<>(
            List.of(
                "-p " + port,
                "-c listen_addresses=127.0.0.1",
                "-c unix_socket_directories=" + dir,
                "-c wal_level=logical",
                "-c max_wal_senders=40",
                "-c max_replication_slots=40",
                "-c max_connections=200",
                "-c max_prepared_transactions=20",
                "-c fsync=off",
                "-c full_page_writes=off",
                "-c shared_buffers=256MB",
                "-c max_wal_size=4GB",
                "-c wal_sender_timeout=60s"));
    for (String setting : extraSettings) {
      options.add("-c " + setting);
    }
    return String.join(" ", options);
  }

  @Override
  public synchronized void stop() {
    if (Files.exists(data().resolve("postmaster.pid"))) {
      java.util.Optional<ProcessHandle> postmaster = postmaster();
      LocalBinaries.run(pgCtlStop());
      // pg_ctl returns once postmaster.pid is gone; the postmaster logs "database system is shut
      // down" right after removing it, so the log is complete only once the process has exited.
      postmaster.ifPresent(LocalServer::awaitExit);
    }
    keepLog();
    LocalBinaries.deleteTree(dir);
  }

  /** The running postmaster, from the first line of postmaster.pid. */
  private java.util.Optional<ProcessHandle> postmaster() {
    try {
      String pid = Files.readAllLines(data().resolve("postmaster.pid")).get(0).trim();
      return ProcessHandle.of(Long.parseLong(pid));
    } catch (IOException | RuntimeException e) {
      return java.util.Optional
          .empty(); // gone in the meantime, or not readable: nothing to wait for
    }
  }

  private static void awaitExit(ProcessHandle process) {
    try {
      process.onExit().get(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      System.err.println("pgcdc: PostgreSQL (pid " + process.pid() + ") still runs: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void keepLogAs(Path file) {
    keptLog = file;
  }

  /** Copies the log out of the folder that is deleted next, with the shutdown's last lines. */
  private void keepLog() {
    Path target = keptLog;
    if (target == null || !Files.exists(log())) {
      return;
    }
    try {
      Files.createDirectories(target.getParent());
      Files.copy(log(), target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      System.err.println(
          "pgcdc: cannot keep the PostgreSQL log " + log() + " as " + target + ": " + e);
    }
  }

  @Override
  public synchronized void restart() {
    try {
      exec(pgCtlStop(), "pg_ctl stop");
      pgCtlStart();
    } catch (IOException e) {
      throw new IllegalStateException("cannot restart PostgreSQL in " + dir + ": " + e, e);
    }
  }

  @Override
  public Path directory() {
    return dir;
  }

  private Path data() {
    return dir.resolve("data");
  }

  @Override
  public Path logFile() {
    return log();
  }

  private Path log() {
    return dir.resolve("postgres.log");
  }

  private List<String> command(String... args) {
    return commandAs(runAs, args);
  }

  private static List<String> commandAs(String user, String... args) {
    List<String> cmd = new ArrayList<>();
    if (user != null) {
      cmd.addAll(List.of("runuser", "-u", user, "--"));
    }
    cmd.addAll(List.of(args));
    return cmd;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** Runs a command; on failure, the exception carries its output and the server log's tail. */
  private static void exec(List<String> command, String what) throws IOException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    try {
      if (!p.waitFor(180, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(what + " did not finish in 180 s: " + String.join(" ", command));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(what + " was interrupted", e);
    }
    if (p.exitValue() != 0) {
      throw new IOException(
          what
              + " failed (exit "
              + p.exitValue()
              + "): "
              + String.join(" ", command)
              + "\n"
              + new String(out, StandardCharsets.UTF_8)
              + logTail(command));
    }
  }

  private static String logTail(List<String> command) {
    int l = command.indexOf("-l");
    if (l < 0) {
      return "";
    }
    try {
      List<String> lines = Files.readAllLines(Path.of(command.get(l + 1)));
      return "\nserver log:\n"
          + String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "";
    }
  }

  private static boolean isRoot() {
    String out = LocalBinaries.run(List.of("id", "-u"));
    return out != null && out.trim().equals("0");
  }

  private static String unprivilegedUser() {
    for (String candidate : List.of("postgres", "nobody")) {
      if (LocalBinaries.run(List.of("id", "-u", candidate)) != null) {
        return candidate;
      }
    }
    throw new IllegalStateException(
        "running as root, but there is neither a 'postgres' nor a 'nobody' user to run"
            + " PostgreSQL as: create one (useradd -r postgres) or run the tests as an ordinary"
            + " user");
  }

  /** Stops and removes the servers of test runs whose JVM is gone. */
  private static void removeStaleDirectories() {
    Path tmp = LocalBinaries.SYSTEM_TMP;
    try (Stream<Path> entries = Files.list(tmp)) {
      for (Path dir : (Iterable<Path>) entries::iterator) {
        if (!dir.getFileName().toString().startsWith(DIR_PREFIX) || !Files.isDirectory(dir)) {
          continue;
        }
        Path owner = dir.resolve("owner.pid");
        long pid;
        try {
          pid = Long.parseLong(Files.readString(owner).trim());
        } catch (IOException | NumberFormatException e) {
          continue; // not ours, or not readable by us
        }
        if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
          continue;
        }
        stopStale(dir);
      }
    } catch (IOException e) {
      // nothing to clean, or /tmp unreadable: a fresh directory is made either way
    }
  }

  private static void stopStale(Path dir) {
    Path data = dir.resolve("data");
    if (Files.exists(data.resolve("postmaster.pid"))) {
      // The pid file's first line is the postmaster's pid: SIGQUIT is an immediate shutdown.
      try {
        String pid = Files.readAllLines(data.resolve("postmaster.pid")).get(0).trim();
        LocalBinaries.run(List.of("kill", "-QUIT", pid));
        ProcessHandle.of(Long.parseLong(pid))
            .ifPresent(
                h -> {
                  try {
                    h.onExit().get(30, TimeUnit.SECONDS);
                  } catch (Exception e) {
                    h.destroyForcibly();
                  }
                });
      } catch (IOException | RuntimeException e) {
        // fall through: the directory is removed anyway, a live server keeps its open files
      }
    }
    LocalBinaries.deleteTree(dir);
  }
}
