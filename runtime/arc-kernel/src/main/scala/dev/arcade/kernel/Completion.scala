package dev.arcade.kernel

import scala.collection.mutable.ListBuffer

/** The text side of Jupyter `complete_request` (no Spark here): where the cursor is in a cell, which identifier it
  * completes, and which tables the cell's SQL reads. The kernel looks the names up in Spark's catalog.
  *
  * Positions are UTF-16 indices into the strings given (the kernel converts Jupyter's code-point positions).
  */
object Completion {

  /** The SQL text the cursor is in (the body of a SQL magic cell, or a HOCON `sql` string) and the cursor's index in
    * it; `offset` is where `sql` starts in the cell. */
  final case class SqlContext(sql: String, cursor: Int, offset: Int)

  /** What is being completed: the identifier `prefix` (from `start` to the cursor, indices into the SQL) after the
    * qualifier parts `qualifier` (`a.b.pre` → qualifier a, b; prefix pre). */
  final case class Target(qualifier: List[String], prefix: String, start: Int)

  /** A table reference of the SQL (`FROM db.t AS a`): the name's parts and its alias. */
  final case class TableRef(parts: List[String], alias: Option[String])

  /** Stage magics whose cell body is SQL (`%arc` is HOCON). */
  val SqlBodyMagics: Set[String] = ArcKernel.StageMagics - "%arc"

  /** The SQL the cursor is in, or None (magic line, a non-SQL magic, outside any `sql` string of a HOCON cell). */
  def sqlContext(code: String, cursor: Int): Option[SqlContext] = {
    val first = code.indexWhere(!_.isWhitespace)
    if (first < 0 || cursor < first) return None
    if (code.charAt(first) == '%') {
      val lineEnd = code.indexOf('\n', first) match { case -1 => code.length; case i => i }
      if (cursor <= lineEnd) return None // on the magic line
      val magic = code.substring(first, lineEnd).trim.split("\\s+", 2)(0).toLowerCase
      if (SqlBodyMagics.contains(magic)) Some(SqlContext(code.substring(lineEnd + 1), cursor - lineEnd - 1, lineEnd + 1))
      else if (magic == "%arc") hoconSql(code, cursor)
      else None
    } else hoconSql(code, cursor)
  }

  // `"sql": "…"`, `sql = """…"""` (HOCON: quoted or unquoted key, `:` or `=`); not `sqlParams`
  private val SqlKey = "(?:\"sql\"|(?<![\\w\"-])sql)\\s*[:=]\\s*(\"\"\"|\")".r

  /** The `sql` string of a HOCON stage the cursor is in (raw text: escapes are left as they are). */
  private def hoconSql(code: String, cursor: Int): Option[SqlContext] =
    SqlKey.findAllMatchIn(code).map { m =>
      val start = m.end
      val end =
        if (m.group(1) == "\"\"\"") code.indexOf("\"\"\"", start) match { case -1 => code.length; case i => i }
        else {
          var i = start
          while (i < code.length && code.charAt(i) != '"' && code.charAt(i) != '\n') i += (if (code.charAt(i) == '\\') 2 else 1)
          math.min(i, code.length)
        }
      (start, end)
    }.collectFirst {
      case (start, end) if cursor >= start && cursor <= end => SqlContext(code.substring(start, end), cursor - start, start)
    }

  private def isIdentChar(c: Char): Boolean = Character.isLetterOrDigit(c) || c == '_'

  /** The identifier being completed at `cursor`, or None where nothing should be offered (inside a string literal or
    * a comment, after a qualifier that is not a name such as `f(x).`). */
  def target(sql: String, cursor: Int): Option[Target] = {
    if (cursor < 0 || cursor > sql.length || inLiteralOrComment(sql, cursor)) return None
    var p = cursor
    while (p > 0 && isIdentChar(sql.charAt(p - 1))) p -= 1
    val prefix = sql.substring(p, cursor)
    var parts = List.empty[String]
    var q = p
    while (q > 0 && sql.charAt(q - 1) == '.') {
      val partEnd = q - 1
      if (partEnd > 0 && sql.charAt(partEnd - 1) == '`') {
        val open = if (partEnd >= 2) sql.lastIndexOf('`', partEnd - 2) else -1
        if (open < 0) return None
        parts = sql.substring(open + 1, partEnd - 1) :: parts
        q = open
      } else {
        var k = partEnd
        while (k > 0 && isIdentChar(sql.charAt(k - 1))) k -= 1
        if (k == partEnd) return None
        parts = sql.substring(k, partEnd) :: parts
        q = k
      }
    }
    Some(Target(parts, prefix, p))
  }

  /** Whether `at` is inside a '…' / "…" literal, an unclosed `…` identifier, or a -- / block comment. */
  private def inLiteralOrComment(sql: String, at: Int): Boolean = {
    var i = 0
    var state = 0 // 0 code, 1 line comment, 2 block comment, or the quote character
    while (i < at) {
      val c = sql.charAt(i)
      val next = if (i + 1 < sql.length) sql.charAt(i + 1) else '\u0000'
      state match {
        case 0 =>
          if (c == '-' && next == '-') { state = 1; i += 1 }
          else if (c == '/' && next == '*') { state = 2; i += 1 }
          else if (c == '\'' || c == '"' || c == '`') state = c
        case 1 => if (c == '\n') state = 0
        case 2 => if (c == '*' && next == '/') { state = 0; i += 1 }
        case quote =>
          if (c == '\\' && quote != '`') i += 1
          else if (c == quote) state = 0
      }
      i += 1
    }
    state != 0
  }

  private sealed trait Token
  private final case class Word(text: String, quoted: Boolean) extends Token
  private final case class Sym(c: Char) extends Token

  /** Words (identifiers, keywords, `quoted` names) and symbols of the SQL; literals and comments are dropped. */
  private def tokens(sql: String): Vector[Token] = {
    val out = Vector.newBuilder[Token]
    var i = 0
    val n = sql.length
    while (i < n) {
      val c = sql.charAt(i)
      if (c.isWhitespace) i += 1
      else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
        while (i < n && sql.charAt(i) != '\n') i += 1
      } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
        val end = sql.indexOf("*/", i + 2)
        i = if (end < 0) n else end + 2
      } else if (c == '\'' || c == '"') {
        i += 1
        while (i < n && sql.charAt(i) != c) i += (if (sql.charAt(i) == '\\') 2 else 1)
        i += 1
        out += Sym('\'')
      } else if (c == '`') {
        val sb = new StringBuilder
        i += 1
        var open = true
        while (i < n && open) {
          if (sql.charAt(i) == '`') {
            if (i + 1 < n && sql.charAt(i + 1) == '`') { sb += '`'; i += 2 } else { open = false; i += 1 }
          } else { sb += sql.charAt(i); i += 1 }
        }
        out += Word(sb.toString, quoted = true)
      } else if (isIdentChar(c)) {
        val start = i
        while (i < n && isIdentChar(sql.charAt(i))) i += 1
        out += Word(sql.substring(start, i), quoted = false)
      } else { out += Sym(c); i += 1 }
    }
    out.result()
  }

  /** Keywords that end a table reference (never an alias). */
  private val NotAlias = Set(
    "where", "group", "order", "having", "limit", "offset", "join", "inner", "left", "right", "full", "outer", "cross",
    "semi", "anti", "natural", "on", "using", "union", "intersect", "except", "minus", "window", "lateral", "pivot",
    "unpivot", "tablesample", "cluster", "distribute", "sort", "select", "from", "as", "with", "values", "when",
    "set", "for", "version", "timestamp", "system_version", "system_time", "into", "partition", "insert", "update",
    "delete", "merge"
  )

  /** Words after USING that are data source formats (`CREATE TABLE … USING delta`), not tables. */
  private val Formats = Set("delta", "parquet", "csv", "json", "orc", "avro", "text", "jdbc", "hive", "binaryfile")

  /** The tables the SQL reads or writes: names after FROM (comma lists too), JOIN, INTO, UPDATE and USING (MERGE),
    * with their aliases. Subqueries and table-valued functions (`range(3)`) are skipped. */
  def tableRefs(sql: String): List[TableRef] = {
    val toks = tokens(sql)
    val refs = ListBuffer.empty[TableRef]
    def word(i: Int): Option[Word] = if (i < toks.length) toks(i) match { case w: Word => Some(w); case _ => None } else None
    def sym(i: Int, c: Char): Boolean = i < toks.length && toks(i) == Sym(c)
    def nameWord(i: Int): Option[String] = word(i).collect {
      case Word(t, true) => t
      case Word(t, false) if !NotAlias.contains(t.toLowerCase) => t
    }
    var i = 0
    while (i < toks.length) {
      val keyword = word(i).filterNot(_.quoted).map(_.text.toLowerCase).getOrElse("")
      i += 1
      if (Set("from", "join", "into", "update", "using").contains(keyword)) {
        var more = true
        while (more) {
          more = false
          nameWord(i) match {
            case Some(first) =>
              val parts = ListBuffer(first)
              var j = i + 1
              while (sym(j, '.') && nameWord(j + 1).isDefined) { parts += nameWord(j + 1).get; j += 2 }
              val isFunction = sym(j, '(')
              val isFormat = keyword == "using" && parts.length == 1 && Formats.contains(first.toLowerCase)
              val alias =
                if (word(j).exists(w => !w.quoted && w.text.equalsIgnoreCase("as"))) { j += 1; nameWord(j).map { a => j += 1; a } }
                else nameWord(j).map { a => j += 1; a }
              if (!isFunction && !isFormat) refs += TableRef(parts.toList, alias)
              if (keyword == "from" && sym(j, ',')) { more = true; j += 1 }
              i = j
            case None =>
          }
        }
      }
    }
    refs.toList.distinct
  }

  /** A name part as Spark SQL reads it: plain identifiers as they are, others `quoted`. */
  def quoteIdent(part: String): String =
    if (part.matches("[A-Za-z_][A-Za-z0-9_]*")) part else "`" + part.replace("`", "``") + "`"

  def qualifiedName(parts: Seq[String]): String = parts.map(quoteIdent).mkString(".")

  /** A completion: the text inserted and its kind (column, view, table, database). */
  final case class Candidate(text: String, kind: String)

  /** Candidates whose name starts with `prefix` (case-insensitive), first occurrence of each text kept, in order. */
  def filterCandidates(prefix: String, groups: Seq[Seq[Candidate]], limit: Int): Vector[Candidate] = {
    val p = prefix.toLowerCase
    val seen = collection.mutable.HashSet.empty[String]
    groups.iterator
      .flatMap(_.sortBy(c => (c.text.toLowerCase, c.text)))
      .filter(c => c.text.toLowerCase.stripPrefix("`").startsWith(p) && seen.add(c.text))
      .take(limit)
      .toVector
  }
}
