package io.pgcdc.decoder;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/** One valid example of every message kind, as bytes and as the value it must decode to. */
final class Samples {

  /** 2021-01-01T00:00:00.123456Z in microseconds since 2000-01-01. */
  static final long T1 = 662_774_400_123_456L;

  static final Instant I1 = Instant.parse("2021-01-01T00:00:00.123456Z");
  static final long T2 = T1 + 1_000_000L;
  static final Instant I2 = I1.plusSeconds(1);
  static final Lsn L1 = Lsn.parse("16/B374D848");
  static final Lsn L2 = Lsn.parse("16/B374D900");

  record Sample(String name, int version, boolean inStream, byte[] bytes, PgOutputMessage value) {
    @Override
    public String toString() {
      return name + " v" + version + (inStream ? " in stream" : "");
    }
  }

  private Samples() {}

  static TupleValue.Text text(String s) {
    return TupleValue.Text.of(s);
  }

  static List<Sample> all() {
    TupleValue nul = TupleValue.Null.INSTANCE;
    TupleValue toast = TupleValue.UnchangedToast.INSTANCE;
    byte[] bin = {0, 0, 0, 42};
    return List.of(
        new Sample(
            "Begin",
            1,
            false,
            Bytes.tag('B').i64(L1.value()).i64(T1).i32(0xFFFFFFF0).array(),
            new Begin(L1, I1, 0xFFFFFFF0)),
        new Sample(
            "Message",
            1,
            false,
            Bytes.tag('M').i8(1).i64(L1.value()).str("pfx").i32(3).raw(bytes("abc")).array(),
            new Message(OptionalInt.empty(), 1, L1, "pfx", bytes("abc"))),
        new Sample(
            "Message",
            2,
            true,
            Bytes.tag('M').i32(77).i8(0).i64(L1.value()).str("").i32(0).array(),
            new Message(OptionalInt.of(77), 0, L1, "", new byte[0])),
        new Sample(
            "Commit",
            1,
            false,
            Bytes.tag('C').i8(0).i64(L1.value()).i64(L2.value()).i64(T1).array(),
            new Commit(0, L1, L2, I1)),
        new Sample(
            "Origin",
            1,
            false,
            Bytes.tag('O').i64(L1.value()).str("node_a").array(),
            new Origin(L1, "node_a")),
        new Sample(
            "Relation",
            1,
            false,
            Bytes.tag('R')
                .i32(16384)
                .str("public")
                .str("tbl")
                .i8('d')
                .i16(2)
                .i8(1)
                .str("id")
                .i32(23)
                .i32(-1)
                .i8(0)
                .str("näme")
                .i32(1043)
                .i32(68)
                .array(),
            new Relation(
                OptionalInt.empty(),
                16384,
                "public",
                "tbl",
                'd',
                List.of(
                    new Relation.Column(1, "id", 23, -1),
                    new Relation.Column(0, "näme", 1043, 68)))),
        new Sample(
            "Relation",
            2,
            true,
            Bytes.tag('R').i32(9).i32(16385).str("").str("t").i8('f').i16(0).array(),
            new Relation(OptionalInt.of(9), 16385, "", "t", 'f', List.of())),
        new Sample(
            "Type",
            1,
            false,
            Bytes.tag('Y').i32(16400).str("public").str("mood").array(),
            new Type(OptionalInt.empty(), 16400, "public", "mood")),
        new Sample(
            "Type",
            3,
            true,
            Bytes.tag('Y').i32(5).i32(16400).str("public").str("mood").array(),
            new Type(OptionalInt.of(5), 16400, "public", "mood")),
        new Sample(
            "Insert",
            1,
            false,
            Bytes.tag('I').i32(16384).i8('N').i16(4).text("1").i8('n').i8('u').binary(bin).array(),
            new Insert(
                OptionalInt.empty(),
                16384,
                List.of(text("1"), nul, toast, new TupleValue.Binary(bin.clone())))),
        new Sample(
            "Insert",
            2,
            true,
            Bytes.tag('I').i32(1234).i32(16384).i8('N').i16(1).text("").array(),
            new Insert(OptionalInt.of(1234), 16384, List.of(text("")))),
        new Sample(
            "Update",
            1,
            false,
            Bytes.tag('U').i32(16384).i8('N').i16(2).text("1").i8('u').array(),
            new Update(OptionalInt.empty(), 16384, Optional.empty(), List.of(text("1"), toast))),
        new Sample(
            "Update",
            1,
            false,
            Bytes.tag('U')
                .i32(16384)
                .i8('K')
                .i16(2)
                .text("1")
                .i8('n')
                .i8('N')
                .i16(2)
                .text("2")
                .text("x")
                .array(),
            new Update(
                OptionalInt.empty(),
                16384,
                Optional.of(new OldTuple(true, List.of(text("1"), nul))),
                List.of(text("2"), text("x")))),
        new Sample(
            "Update",
            4,
            true,
            Bytes.tag('U')
                .i32(3)
                .i32(16384)
                .i8('O')
                .i16(1)
                .text("old")
                .i8('N')
                .i16(1)
                .text("new")
                .array(),
            new Update(
                OptionalInt.of(3),
                16384,
                Optional.of(new OldTuple(false, List.of(text("old")))),
                List.of(text("new")))),
        new Sample(
            "Delete",
            1,
            false,
            Bytes.tag('D').i32(16384).i8('K').i16(2).text("1").i8('n').array(),
            new Delete(OptionalInt.empty(), 16384, new OldTuple(true, List.of(text("1"), nul)))),
        new Sample(
            "Delete",
            2,
            true,
            Bytes.tag('D').i32(8).i32(16384).i8('O').i16(1).binary(bin).array(),
            new Delete(
                OptionalInt.of(8),
                16384,
                new OldTuple(false, List.of(new TupleValue.Binary(bin.clone()))))),
        new Sample(
            "Truncate",
            1,
            false,
            Bytes.tag('T').i32(2).i8(3).i32(16384).i32(16390).array(),
            new Truncate(OptionalInt.empty(), 3, List.of(16384, 16390))),
        new Sample(
            "Truncate",
            2,
            true,
            Bytes.tag('T').i32(11).i32(1).i8(0).i32(16384).array(),
            new Truncate(OptionalInt.of(11), 0, List.of(16384))),
        new Sample(
            "StreamStart",
            2,
            false,
            Bytes.tag('S').i32(1234).i8(1).array(),
            new StreamStart(1234, 1)),
        new Sample("StreamStop", 2, true, Bytes.tag('E').array(), new StreamStop()),
        new Sample(
            "StreamCommit",
            2,
            false,
            Bytes.tag('c').i32(1234).i8(0).i64(L1.value()).i64(L2.value()).i64(T1).array(),
            new StreamCommit(1234, 0, L1, L2, I1)),
        new Sample(
            "StreamAbort",
            2,
            false,
            Bytes.tag('A').i32(1234).i32(1235).array(),
            new StreamAbort(1234, 1235, Optional.empty(), Optional.empty())),
        new Sample(
            "StreamAbort",
            4,
            false,
            Bytes.tag('A').i32(1234).i32(1234).i64(L1.value()).i64(T1).array(),
            new StreamAbort(1234, 1234, Optional.of(L1), Optional.of(I1))),
        new Sample(
            "BeginPrepare",
            3,
            false,
            Bytes.tag('b').i64(L1.value()).i64(L2.value()).i64(T1).i32(99).str("gid-1").array(),
            new BeginPrepare(L1, L2, I1, 99, "gid-1")),
        new Sample(
            "Prepare",
            3,
            false,
            Bytes.tag('P').i8(0).i64(L1.value()).i64(L2.value()).i64(T1).i32(99).str("g").array(),
            new Prepare(0, L1, L2, I1, 99, "g")),
        new Sample(
            "CommitPrepared",
            3,
            false,
            Bytes.tag('K').i8(0).i64(L1.value()).i64(L2.value()).i64(T1).i32(99).str("g").array(),
            new CommitPrepared(0, L1, L2, I1, 99, "g")),
        new Sample(
            "RollbackPrepared",
            3,
            false,
            Bytes.tag('r')
                .i8(0)
                .i64(L1.value())
                .i64(L2.value())
                .i64(T1)
                .i64(T2)
                .i32(99)
                .str("g")
                .array(),
            new RollbackPrepared(0, L1, L2, I1, I2, 99, "g")),
        new Sample(
            "StreamPrepare",
            3,
            false,
            Bytes.tag('p').i8(0).i64(L1.value()).i64(L2.value()).i64(T1).i32(99).str("g").array(),
            new StreamPrepare(0, L1, L2, I1, 99, "g")));
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
