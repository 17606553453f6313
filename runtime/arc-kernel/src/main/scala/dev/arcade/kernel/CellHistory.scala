package dev.arcade.kernel

import java.util.regex.Pattern

/** The cells this kernel session executed, answering the Jupyter `history_request` the way IPython does: entries
  * are `[session, line, input]`, where line is the cell's execution count.
  *
  * Cells are recorded on the shell thread; requests may also arrive on the control thread, so the entries are an
  * immutable snapshot swapped under a private lock (never the kernel's monitor, which BaseKernel holds while a cell
  * runs).
  */
final class CellHistory(maxEntries: Int = CellHistory.DefaultMaxEntries) {
  import CellHistory._

  private val lock = new Object
  @volatile private var entries: Vector[Entry] = Vector.empty

  def record(line: Int, input: String): Unit = lock.synchronized {
    entries = (entries :+ Entry(CurrentSession, line, input)).takeRight(maxEntries)
  }

  /** The last `n` cells (none if n <= 0, like IPython). */
  def tail(n: Int): Seq[Entry] = if (n <= 0) Vector.empty else entries.takeRight(n)

  /** Cells `start <= line < stop` of `session` (0 = this session, the only one kept); `stop == 0` means to the end. */
  def range(session: Int, start: Int, stop: Int): Seq[Entry] =
    if (session != 0 && session != CurrentSession) Vector.empty
    else entries.filter(e => e.line >= start && (stop == 0 || e.line < stop))

  /** Cells whose whole input matches the SQLite GLOB `pattern` (`*`, `?`, `[...]`, as IPython's search), oldest
    * first; the last `n` of them if n > 0; with `unique`, only the latest cell of each distinct input. */
  def search(pattern: String, n: Int, unique: Boolean): Seq[Entry] = {
    val regex = globPattern(pattern)
    val matching = entries.filter(e => regex.matcher(e.input).matches())
    val distinct =
      if (!unique) matching
      else matching.zipWithIndex.groupBy(_._1.input).values.map(_.last).toVector.sortBy(_._2).map(_._1)
    if (n > 0) distinct.takeRight(n) else distinct
  }
}

object CellHistory {
  /** IPython numbers sessions from 1; a request's session 0 means "the current session". */
  val CurrentSession = 1
  val DefaultMaxEntries = 10000

  final case class Entry(session: Int, line: Int, input: String)

  /** SQLite GLOB semantics: case-sensitive, `*` any run of characters (newlines included), `?` one character,
    * `[abc]` / `[a-z]` / `[^abc]` a character class; everything else literal. */
  def globPattern(glob: String): Pattern = {
    val regex = new StringBuilder
    var i = 0
    while (i < glob.length) {
      glob.charAt(i) match {
        case '*' => regex ++= ".*"
        case '?' => regex += '.'
        case '[' if classEnd(glob, i) > 0 =>
          val end = classEnd(glob, i)
          val body = glob.substring(i + 1, end)
          val (negate, members) = if (body.startsWith("^")) ("^", body.substring(1)) else ("", body)
          regex ++= "[" + negate
          members.foreach { ch => if (ch == '-' || ch.isLetterOrDigit) regex += ch else regex ++= "\\" + ch }
          regex += ']'
          i = end
        case ch => regex ++= Pattern.quote(ch.toString)
      }
      i += 1
    }
    Pattern.compile(regex.toString, Pattern.DOTALL)
  }

  /** Index of the `]` closing the class opened at `open` (a `]` right after `[` or `[^` is a member), or -1. */
  private def classEnd(glob: String, open: Int): Int = {
    var from = open + 1
    if (from < glob.length && glob.charAt(from) == '^') from += 1
    if (from < glob.length && glob.charAt(from) == ']') from += 1
    glob.indexOf(']', from)
  }
}
