package dev.arcade.kernel

import org.apache.spark.sql.{DataFrame, Row}

/** Renders the first rows of a DataFrame as an HTML table and a plain-text grid. */
object HtmlTable {

  final case class Rendered(html: String, text: String)

  def escape(s: String): String = {
    val sb = new StringBuilder(s.length + 16)
    s.foreach {
      case '<' => sb.append("&lt;")
      case '>' => sb.append("&gt;")
      case '&' => sb.append("&amp;")
      case '"' => sb.append("&quot;")
      case '\'' => sb.append("&#39;")
      case c => sb.append(c)
    }
    sb.toString
  }

  /** Spark-`show`-like string form of a cell value. */
  def format(value: Any): String = value match {
    case null => "null"
    case b: Array[Byte] => b.map("%02X".format(_)).mkString("[", " ", "]")
    case r: Row => r.toSeq.map(format).mkString("{", ", ", "}")
    case m: scala.collection.Map[_, _] => m.map { case (k, v) => s"${format(k)} -> ${format(v)}" }.mkString("{", ", ", "}")
    case s: Seq[_] => s.map(format).mkString("[", ", ", "]")
    case other => other.toString
  }

  private def truncateTo(s: String, truncate: Int): String =
    if (truncate > 3 && s.length > truncate) s.substring(0, truncate - 3) + "..." else s

  def render(df: DataFrame, numRows: Int, truncate: Int): Rendered = {
    val columns = df.columns.toSeq
    val limit = math.max(numRows, 0)
    val taken = df.take(limit + 1)
    val more = taken.length > limit
    val rows = taken.take(limit).map(r => (0 until r.length).map(i => truncateTo(format(r.get(i)), truncate)))

    val html = new StringBuilder
    html.append("<table class=\"arcade-arc-table\">\n<thead>\n<tr>")
    columns.foreach(c => html.append("<th>").append(escape(c)).append("</th>"))
    html.append("</tr>\n</thead>\n<tbody>\n")
    rows.foreach { r =>
      html.append("<tr>")
      r.foreach(v => html.append("<td>").append(escape(v)).append("</td>"))
      html.append("</tr>\n")
    }
    html.append("</tbody>\n</table>")
    val footer =
      if (more) s"showing the first $limit rows"
      else s"${rows.length} row${if (rows.length == 1) "" else "s"}"
    html.append("\n<p class=\"arcade-arc-table-footer\">").append(escape(footer)).append("</p>")

    // plain-text grid
    val widths = columns.indices.map { i =>
      (columns(i).length +: rows.map(_(i).length)).max
    }
    def line(cells: Seq[String]) = cells.zip(widths).map { case (c, w) => c.padTo(w, ' ') }.mkString("|", "|", "|")
    val sep = widths.map("-" * _).mkString("+", "+", "+")
    val text = new StringBuilder
    text.append(sep).append('\n').append(line(columns)).append('\n').append(sep).append('\n')
    rows.foreach(r => text.append(line(r)).append('\n'))
    text.append(sep).append('\n').append(footer)

    Rendered(html.toString, text.toString)
  }
}
