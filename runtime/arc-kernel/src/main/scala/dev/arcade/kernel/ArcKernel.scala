package dev.arcade.kernel

import java.util.ServiceLoader
import java.util.concurrent.{ArrayBlockingQueue, Callable, Executors, ThreadFactory, ThreadPoolExecutor, TimeUnit, TimeoutException}

import scala.collection.JavaConverters._
import scala.concurrent.duration.Duration
import scala.concurrent.{Await, ExecutionContext, Future}
import scala.util.Try
import scala.util.control.NonFatal

import com.typesafe.config.{Config, ConfigFactory}
import io.github.spencerpark.jupyter.channels.{JupyterConnection, ShellHandler, ShellReplyEnvironment}
import io.github.spencerpark.jupyter.kernel.display.DisplayData
import io.github.spencerpark.jupyter.kernel.{BaseKernel, LanguageInfo, ReplacementOptions}
import io.github.spencerpark.jupyter.messages.reply.CompleteReply
import io.github.spencerpark.jupyter.messages.request.{CompleteRequest, HistoryRequest}
import io.github.spencerpark.jupyter.messages.{Message, MessageType}
import org.apache.commons.lang3.exception.ExceptionUtils
import org.apache.spark.sql.{DataFrame, SparkSession}
import org.apache.spark.sql.types.{ArrayType, DataType, StructType}
import org.apache.spark.storage.StorageLevel

import ai.tripl.arc.ARC
import ai.tripl.arc.api.API.ARCContext
import ai.tripl.arc.config.{ArcPipeline, ConfigUtils}
import ai.tripl.arc.plugins.{DynamicConfigurationPlugin, LifecyclePlugin, PipelineStagePlugin, UDFPlugin}
import ai.tripl.arc.util.{DetailException, SerializableConfiguration}
import ai.tripl.arc.util.log.LoggerFactory

object ArcKernel {
  /** view name injected into `%sql` (etc.) cells that have no outputView, dropped after the cell ran */
  val PlaceholderView = "arcadePlaceholderOutputView"

  /** magics whose cell is an Arc stage, handed to Arc's own ConfigUtils.parseIPYNBCells */
  val StageMagics = Set("%arc", "%sql", "%sqlvalidate", "%log", "%configexecute", "%metadatafilter", "%metadatavalidate")

  /** stage magics that produce a view: without outputView a placeholder is injected (like arc-jupyter) */
  val ViewMagics = Set("%sql", "%configexecute", "%metadatafilter")

  val KernelMagics = Set("%conf", "%env", "%version", "%help")

  /** The only address Spark's driver binds to and advertises (spark.driver.bindAddress / spark.driver.host). */
  val LoopbackAddress = "127.0.0.1"

  def version: String = Option(getClass.getPackage).flatMap(p => Option(p.getImplementationVersion)).getOrElse("0.1.0")

  private def jarVersion(className: String): String =
    Try {
      val cls = Class.forName(className)
      Option(cls.getPackage.getImplementationVersion).getOrElse {
        val loc = cls.getProtectionDomain.getCodeSource.getLocation.getPath
        """-(\d+\.\d+\.\d+[^/]*)\.jar$""".r.findFirstMatchIn(loc).map(_.group(1)).getOrElse("unknown")
      }
    }.getOrElse("not on classpath")

  def versions: Seq[(String, String)] = Seq(
    "Arcade Arc kernel" -> version,
    "Arc" -> Try(ai.tripl.arc.util.Utils.getFrameworkVersion).getOrElse("unknown"),
    "Spark" -> org.apache.spark.SPARK_VERSION,
    "Delta Lake" -> jarVersion("io.delta.tables.DeltaTable"),
    "Hadoop" -> Try(org.apache.hadoop.util.VersionInfo.getVersion).getOrElse("unknown"),
    "Scala" -> scala.util.Properties.versionNumberString,
    "Java" -> System.getProperty("java.runtime.version")
  )

  /** Arc's plugins, found with ServiceLoader once (same lookup as Arc's batch runner). In the companion object: as a
    * member of the kernel class, pattern matches on it would need an outer-reference check scalac cannot emit. */
  private final case class Plugins(
    pipelineStage: List[PipelineStagePlugin],
    udf: List[UDFPlugin],
    dynamicConfig: List[DynamicConfigurationPlugin],
    lifecycle: List[LifecyclePlugin]
  )

  /** `k=v` tokens of a magic line, with Arc's own splitting rules; surrounding double quotes are removed. */
  def parseArgs(line: String): Map[String, String] =
    ConfigUtils.parseArgs(line).toMap.map { case (k, v) => k.trim -> v.trim.stripPrefix("\"").stripSuffix("\"") }

  /** Time allowed for the catalog look-ups of one complete_request. */
  val CompletionBudgetMillis = 2000L
  val MaxCompletions = 1000

  private def daemonThreads(name: String): ThreadFactory = new ThreadFactory {
    private val count = new java.util.concurrent.atomic.AtomicInteger()
    override def newThread(r: Runnable): Thread = { val t = new Thread(r, s"$name-${count.incrementAndGet()}"); t.setDaemon(true); t }
  }

  /** A complete_reply: matches and the replaced range, in code points (Jupyter's positions since protocol 5.2). */
  private final case class Completions(matches: Vector[Completion.Candidate], start: Int, end: Int)
}

final class ArcKernel extends BaseKernel {
  import ArcKernel._

  // Spark/Arc write their logs to the JVM's stdout/stderr, which Jupyter keeps in the kernel log, not in cells.
  setShouldReplaceStdStreams(false)

  private val logger = LoggerFactory.getLogger("arcade-arc-kernel")

  // display options (%conf)
  @volatile private var numRows: Int = Try(sys.env("CONF_NUM_ROWS").toInt).getOrElse(20)
  @volatile private var truncate: Int = Try(sys.env("CONF_TRUNCATE").toInt).getOrElse(50)

  // cell state below is only touched by the (single) shell thread executing cells
  // values set by %env, used by Arc for ${KEY} substitution (same as --KEY=value in a batch run)
  private var envArgs: Map[String, String] = Map.empty

  // state carried between cells (like arc-jupyter)
  private var userData: collection.mutable.Map[String, Object] = collection.mutable.Map.empty
  private var resolutionConfig: Config = ConfigFactory.load()

  // the cells run in this session, for history_request
  private val history = new CellHistory()

  private def loadPlugins(): Plugins = {
    val loader = ai.tripl.arc.util.Utils.getContextOrSparkClassLoader
    Plugins(
      ServiceLoader.load(classOf[PipelineStagePlugin], loader).iterator().asScala.toList,
      ServiceLoader.load(classOf[UDFPlugin], loader).iterator().asScala.toList,
      ServiceLoader.load(classOf[DynamicConfigurationPlugin], loader).iterator().asScala.toList,
      ServiceLoader.load(classOf[LifecyclePlugin], loader).iterator().asScala.toList
    )
  }

  // NB: no lazy vals / synchronized on `this` in the start-up path: BaseKernel holds the kernel's monitor
  // while a cell executes, and cells wait for the start-up thread.
  private val sparkExecutor = ExecutionContext.fromExecutorService(Executors.newSingleThreadExecutor(new ThreadFactory {
    override def newThread(r: Runnable): Thread = { val t = new Thread(r, "arcade-spark-start"); t.setDaemon(true); t }
  }))

  /** The SparkSession is started in the background as soon as the kernel starts; cells wait for it. */
  private val sparkFuture: Future[(SparkSession, Plugins)] = Future(startSpark())(sparkExecutor)

  private def startSpark(): (SparkSession, Plugins) = {
    val t0 = System.currentTimeMillis()
    val plugins = loadPlugins()
    val builder = SparkSession.builder().appName("arcade-arc-kernel")
    if (!sys.props.contains("spark.master")) builder.master("local[2]")
    def setIfAbsent(k: String, v: String): Unit = if (!sys.props.contains(k)) builder.config(k, v)
    // The driver's servers (RPC, block manager) listen on loopback only: otherwise Spark binds them to the
    // address the hostname resolves to, or to the first non-loopback interface, reachable from the network.
    // Set last-wins on the builder, so neither -Dspark.driver.* nor SPARK_LOCAL_IP can change them.
    builder.config("spark.driver.bindAddress", LoopbackAddress)
    builder.config("spark.driver.host", LoopbackAddress)
    builder.config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
    builder.config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
    setIfAbsent("spark.ui.enabled", "false")
    setIfAbsent("spark.ui.showConsoleProgress", "false")
    // Spark would otherwise create spark-warehouse/ in the notebook's folder, cluttering the user's workspace.
    setIfAbsent(
      "spark.sql.warehouse.dir",
      sys.env.getOrElse("ARCADE_SPARK_WAREHOUSE", new java.io.File(sys.props("java.io.tmpdir"), "arcade-spark-warehouse").getPath)
    )
    val spark = builder.getOrCreate()
    // same default as Arc's batch runner
    if (Option(spark.sparkContext.hadoopConfiguration.get("fs.s3a.aws.credentials.provider")).isEmpty) {
      spark.sparkContext.hadoopConfiguration.set("fs.s3a.aws.credentials.provider", ai.tripl.arc.util.CloudUtils.defaultAWSProvidersOverride)
    }
    ai.tripl.arc.udf.UDF.registerUDFs()(spark, logger, newContext(spark, plugins, Map.empty, collection.mutable.Map.empty, ConfigFactory.load()))
    spark.sql("SELECT TRUE").collect()
    logger.info()
      .field("event", "arcadeKernelSparkStarted")
      .field("sparkVersion", spark.version)
      .field("arcVersion", ai.tripl.arc.util.Utils.getFrameworkVersion)
      .field("master", spark.sparkContext.master)
      .field("duration", java.lang.Long.valueOf(System.currentTimeMillis() - t0))
      .log()
    (spark, plugins)
  }

  private def started: (SparkSession, Plugins) =
    try Await.result(sparkFuture, Duration.Inf)
    catch {
      case e: Throwable => throw new ArcKernelError(s"Spark failed to start: ${messages(e).mkString(": ")}. Restart the kernel; see the kernel log.", e)
    }

  private def sparkIfStarted: Option[SparkSession] = sparkFuture.value.flatMap(_.toOption).map(_._1)

  private def newContext(
    session: SparkSession,
    plugins: Plugins,
    envArgs: Map[String, String],
    userData: collection.mutable.Map[String, Object],
    resolutionConfig: Config
  ): ARCContext = ARCContext(
    jobId = None,
    jobName = None,
    environment = sys.env.get("ETL_CONF_ENV"),
    configUri = None,
    isStreaming = false,
    // interactive: run every stage whatever its `environments` (like arc-jupyter)
    ignoreEnvironments = true,
    storageLevel = StorageLevel.MEMORY_AND_DISK_SER,
    // re-running a cell must be able to replace its view
    immutableViews = false,
    ipynb = true,
    inlineSQL = true,
    inlineSchema = true,
    dropUnsupported = false,
    commandLineArguments = envArgs,
    dynamicConfigurationPlugins = plugins.dynamicConfig,
    lifecyclePlugins = plugins.lifecycle,
    activeLifecyclePlugins = Nil,
    pipelineStagePlugins = plugins.pipelineStage,
    udfPlugins = plugins.udf,
    userData = userData,
    serializableConfiguration = new SerializableConfiguration(session.sparkContext.hadoopConfiguration),
    resolutionConfig = resolutionConfig,
    completionEnvironments = List("dev", "test", "prod")
  )

  // ---------------------------------------------------------------------------------------------
  // Jupyter entry points

  override def getLanguageInfo: LanguageInfo =
    // what Arc notebooks declare in metadata.language_info
    new LanguageInfo("arc", Try(ai.tripl.arc.util.Utils.getFrameworkVersion).getOrElse("3.7.0"), "javascript", ".json", "javascript", "javascript", "arcexport")

  override def getBanner: String =
    s"Arcade Arc kernel ${ArcKernel.version} (Arc ${Try(ai.tripl.arc.util.Utils.getFrameworkVersion).getOrElse("?")}, Spark ${org.apache.spark.SPARK_VERSION})"

  override def isComplete(code: String): String = BaseKernel.IS_COMPLETE_YES

  override def becomeHandlerForConnection(connection: JupyterConnection): Unit = {
    super.becomeHandlerForConnection(connection)
    // jupyter-jvm-basekernel 2.3.0 drops a history_request without a word when the kernel has no HistoryManager: no
    // busy/idle status, no reply (and with a HistoryManager its reply has no `status` and malformed entries).
    // JupyterLab sends one when a notebook connects, and it is the first request whose status JupyterLab uses:
    // it ignores the busy/idle of kernel_info_request (jupyter_server's untracked_message_types). Without an answer
    // the kernel showed "Unknown" until the first cell ran.
    connection.setHandler(MessageType.HISTORY_REQUEST, new ShellHandler[HistoryRequest] {
      override def handle(env: ShellReplyEnvironment, request: Message[HistoryRequest]): Unit = handleHistoryRequest(env, request)
    })
    // BaseKernel's own complete_request handler (which calls `complete`) always replies with empty metadata, and with
    // an error reply if `complete` throws: this one adds each match's kind and always answers `ok`.
    connection.setHandler(MessageType.COMPLETE_REQUEST, new ShellHandler[CompleteRequest] {
      override def handle(env: ShellReplyEnvironment, request: Message[CompleteRequest]): Unit = handleCompleteRequest(env, request)
    })
  }

  /** busy, history_reply, idle, all with the request as parent (the protocol's rule for every request). */
  private def handleHistoryRequest(env: ShellReplyEnvironment, request: Message[HistoryRequest]): Unit = {
    env.setBusyDeferIdle() // idle is sent once the handler returns, even if it throws
    val content = new java.util.LinkedHashMap[String, AnyRef]()
    try {
      val req = request.getContent
      val entries = req match {
        case r: HistoryRequest.Tail => history.tail(r.getMaxReturnLength)
        case r: HistoryRequest.Range => history.range(r.getSessionIndex, r.getStart, r.getStop)
        case r: HistoryRequest.Search => history.search(r.getPattern, r.getMaxReturnLength, r.filterUnique)
        case _ => Nil
      }
      // IPython's shapes: [session, line, input], or [session, line, [input, output]] (no outputs are kept here)
      val tuples = entries.map { e =>
        val io: AnyRef = if (req.includeOutput) java.util.Arrays.asList[AnyRef](e.input, null) else e.input
        java.util.Arrays.asList[AnyRef](Integer.valueOf(e.session), Integer.valueOf(e.line), io)
      }
      content.put("status", "ok")
      content.put("history", tuples.asJava)
    } catch {
      case e: Exception =>
        content.clear()
        content.put("status", "error")
        content.put("ename", e.getClass.getSimpleName)
        content.put("evalue", Option(e.getMessage).getOrElse(""))
        content.put("traceback", java.util.Collections.emptyList[String]())
    }
    // the library's HistoryReply content class cannot carry `status`; the content is serialised by its runtime class
    val replyType = MessageType.HISTORY_REPLY.asInstanceOf[MessageType[java.util.Map[String, AnyRef]]]
    env.reply(new Message[java.util.Map[String, AnyRef]](request, replyType, content))
  }

  // ---------------------------------------------------------------------------------------------
  // completion (complete_request): names from the live Spark session's catalog

  /** Catalog look-ups for completion run here; a request waits for them up to its time budget. A late look-up is
    * left to finish, never cancelled nor interrupted (an interrupt can break a metastore client's shared connection),
    * and later requests needing the same look-up wait for that one instead of starting another (`inFlight`): a slow
    * table (say on an unreachable S3 endpoint) holds one thread however often Tab is pressed. Only when every thread
    * hangs (an unreachable metastore) does the queue fill up; requests are then answered at once, empty. */
  private val completionExecutor = {
    val e = new ThreadPoolExecutor(4, 4, 30L, TimeUnit.SECONDS, new ArrayBlockingQueue[Runnable](16), daemonThreads("arcade-completion"), new ThreadPoolExecutor.AbortPolicy())
    e.allowCoreThreadTimeOut(true)
    e
  }
  private val inFlight = new java.util.concurrent.ConcurrentHashMap[String, java.util.concurrent.Future[_]]()

  override def complete(code: String, at: Int): ReplacementOptions = {
    val c = completions(code, at)
    new ReplacementOptions(c.matches.map(_.text).asJava, c.start, c.end)
  }

  /** busy, complete_reply (status ok, with `_jupyter_types_experimental` kinds), idle; an empty reply on any failure. */
  private def handleCompleteRequest(env: ShellReplyEnvironment, request: Message[CompleteRequest]): Unit = {
    env.setBusyDeferIdle()
    val req = Option(request.getContent)
    val code = req.flatMap(r => Option(r.getCode)).getOrElse("")
    val c = completions(code, req.map(_.getCursorPos).getOrElse(0))
    val types = c.matches.map { m =>
      val t = new java.util.LinkedHashMap[String, AnyRef]()
      t.put("start", Integer.valueOf(c.start))
      t.put("end", Integer.valueOf(c.end))
      t.put("text", m.text)
      t.put("type", m.kind)
      t
    }
    val metadata = new java.util.LinkedHashMap[String, AnyRef]()
    metadata.put("_jupyter_types_experimental", types.asJava)
    env.reply(new CompleteReply(c.matches.map(_.text).asJava, c.start, c.end, metadata))
  }

  /** Completions at code point `cursorPos` of a cell: only in SQL (a SQL magic's body, a HOCON `sql` string), only
    * from a running SparkSession (never starts one), empty on any failure. */
  private def completions(code0: String, cursorPos: Int): Completions = {
    val code = Option(code0).getOrElse("")
    val pos = math.max(0, math.min(cursorPos, code.codePointCount(0, code.length)))
    val empty = Completions(Vector.empty, pos, pos)
    try {
      val cursor = code.offsetByCodePoints(0, pos)
      val found = for {
        session <- sparkIfStarted
        ctx <- Completion.sqlContext(code, cursor)
        target <- Completion.target(ctx.sql, ctx.cursor)
      } yield Completions(catalogCandidates(session, ctx.sql, target), code.codePointCount(0, ctx.offset + target.start), pos)
      found.getOrElse(empty)
    } catch {
      case NonFatal(e) =>
        logger.warn().field("event", "arcadeKernelCompletionFailed").field("error", messages(e).mkString(": ")).log()
        empty
    }
  }

  private def catalogCandidates(session: SparkSession, sql: String, target: Completion.Target): Vector[Completion.Candidate] = {
    import Completion.Candidate
    val deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CompletionBudgetMillis)
    val refs = Completion.tableRefs(sql)
    val q = target.qualifier
    val groups: Seq[Seq[Candidate]] =
      if (q.nonEmpty) {
        // `alias.`, `view.`, `db.table.`, `alias.struct_column.`: the first reading that names a table wins
        val viaAlias = refs.find(_.alias.exists(_.equalsIgnoreCase(q.head))).map(r => (r.parts, q.tail))
        val readings = viaAlias.toList ++ (q.length to 1 by -1).map(i => (q.take(i), q.drop(i)))
        val columns = readings.iterator
          .map { case (table, path) => await(submit(fieldsKey(table, path))(fieldsOf(session, table, path)), deadline) }
          .collectFirst { case Some(fields) => fields }
          .getOrElse(Nil)
        // `db.`: the tables of that database (SHOW TABLES IN db also lists the session's temporary views: not those)
        val tables =
          if (q.length != 1) Nil
          else await(submit(s"tables:${q.head}")(showTables(session, Some(q.head))), deadline).getOrElse(Nil).collect {
            case (ns, name, temp) if ns.equalsIgnoreCase(q.head) => Candidate(Completion.quoteIdent(name), if (temp) "view" else "table")
          }
        Seq(columns.map(Candidate(_, "column")), tables)
      } else {
        // at most 12 tables: more would overflow the look-up queue
        val columnLookups = refs.map(_.parts).distinct.take(12).map(parts => submit(fieldsKey(parts, Nil))(fieldsOf(session, parts, Nil)))
        val tablesLookup = submit("tables")(showTables(session, None))
        val databasesLookup = submit("databases")(session.sql("SHOW DATABASES").collect().toList.map(_.getString(0)))
        val columns = columnLookups.flatMap(f => await(f, deadline).getOrElse(Nil)).map(Candidate(_, "column"))
        val tables = await(tablesLookup, deadline).getOrElse(Nil)
        val databases = await(databasesLookup, deadline).getOrElse(Nil)
        Seq(
          columns,
          tables.collect { case (_, name, true) => Candidate(Completion.quoteIdent(name), "view") },
          tables.collect { case (_, name, false) => Candidate(Completion.quoteIdent(name), "table") },
          databases.map(d => Candidate(Completion.quoteIdent(d), "database"))
        )
      }
    Completion.filterCandidates(target.prefix, groups, MaxCompletions)
  }

  /** `SHOW TABLES [IN db]` (no per-table metadata calls, unlike spark.catalog.listTables): (namespace, name, is a
    * temporary view). With Delta's catalog as spark_catalog the command runs as the v2 SHOW TABLES, which reports
    * the session's temporary views with an empty namespace but `isTemporary` false: the namespace tells. */
  private def showTables(session: SparkSession, db: Option[String]): List[(String, String, Boolean)] = {
    val globalTemp = Try(session.conf.get("spark.sql.globalTempDatabase")).getOrElse("global_temp")
    session.sql("SHOW TABLES" + db.map(d => " IN " + Completion.quoteIdent(d)).getOrElse("")).collect().toList.map { r =>
      val ns = Option(r.getString(0)).getOrElse("")
      (ns, r.getString(1), r.getBoolean(2) || ns.isEmpty || ns.equalsIgnoreCase(globalTemp))
    }
  }

  /** The column names of table/view `table` (or the fields of its struct column at `path`), quoted where needed. */
  private def fieldsOf(session: SparkSession, table: Seq[String], path: Seq[String]): List[String] = {
    def struct(t: DataType): Option[StructType] = t match {
      case s: StructType => Some(s)
      case a: ArrayType => struct(a.elementType)
      case _ => None
    }
    val schema = path.foldLeft(Option(session.table(Completion.qualifiedName(table)).schema)) { (s, part) =>
      s.flatMap(_.fields.find(_.name.equalsIgnoreCase(part))).flatMap(f => struct(f.dataType))
    }
    schema.map(_.fieldNames.toList.map(Completion.quoteIdent)).getOrElse(throw new NoSuchElementException(path.mkString(".")))
  }

  private def fieldsKey(table: Seq[String], path: Seq[String]): String =
    "fields:" + Completion.qualifiedName(table) + path.map("/" + _).mkString

  /** The look-up `key` still running from an earlier request, or a new one; None when the queue is full. */
  private def submit[T](key: String)(body: => T): Option[java.util.concurrent.Future[T]] = {
    inFlight.values().removeIf(_.isDone)
    Option(inFlight.get(key)).map(_.asInstanceOf[java.util.concurrent.Future[T]]).orElse {
      try {
        val f = completionExecutor.submit(new Callable[T] { override def call(): T = body })
        inFlight.put(key, f)
        Some(f)
      } catch { case NonFatal(_) => None } // queue full: look-ups are hanging
    }
  }

  /** The look-up's result if it succeeds before the deadline (System.nanoTime); a late one is left running. */
  private def await[T](lookup: Option[java.util.concurrent.Future[T]], deadline: Long): Option[T] = lookup.flatMap { f =>
    try Some(f.get(math.max(0L, deadline - System.nanoTime()), TimeUnit.NANOSECONDS))
    catch {
      case _: TimeoutException | _: InterruptedException => None
      case NonFatal(_) => None
    }
  }

  override def interrupt(): Unit = sparkIfStarted.foreach(s => Try(s.sparkContext.cancelAllJobs()))

  override def onShutdown(isRestarting: Boolean): Unit = {
    sparkIfStarted.foreach(s => Try(s.stop()))
  }

  override def formatError(e: Exception): java.util.List[String] = {
    val name = e.getClass.getSimpleName
    val lines = e match {
      case _: ArcKernelException => s"$name: ${e.getMessage}".split("\n").toList
      case _ =>
        (s"$name: ${Option(e.getMessage).getOrElse("")}".split("\n").toList
          ++ e.getStackTrace.take(15).map(f => s"    at $f"))
    }
    // first line in red, the rest plain (readable on light and dark themes)
    val esc = 27.toChar.toString
    (lines.take(1).map(l => esc + "[0;31m" + l + esc + "[0m") ++ lines.drop(1)).asJava
  }

  override def eval(code: String): DisplayData = {
    val cell = code.trim
    if (cell.isEmpty) return null
    // BaseKernel has already taken this cell's execution count
    history.record(executionCount.get() - 1, code)
    try {
      val firstLine = cell.linesIterator.next().trim
      val magic = if (firstLine.startsWith("%")) firstLine.split("\\s+", 2)(0).toLowerCase else ""
      magic match {
        case "" => runStages(cell, magic, firstLine)
        case m if StageMagics.contains(m) => runStages(cell, magic, firstLine)
        case "%conf" => conf(cell)
        case "%env" => env(cell)
        case "%version" => text(versions.map { case (k, v) => s"$k: $v" }.mkString("\n"))
        case "%help" => text(help)
        case other =>
          throw new ArcMagicError(s"Unknown magic '$other'. Supported: ${(StageMagics ++ KernelMagics).toList.sorted.mkString(", ")} (or a plain HOCON stage).")
      }
    } catch {
      case e: ArcKernelException => throw e
      case e: Throwable => throw new ArcKernelError(messages(e).mkString(": "), e)
    }
  }

  // ---------------------------------------------------------------------------------------------

  private val help =
    """Arcade Arc kernel: each cell is one Arc stage, exactly as in a batch run of the notebook.
      |  { "type": "...", ... }     a plain HOCON Arc stage (or several, comma-separated)
      |  %arc                       same, explicit
      |  %sql [name=.. outputView=.. environments=.. sqlParams=k=v,.. persist=.. numRows=..]   SQLTransform
      |  %sqlvalidate ...           SQLValidate
      |  %log / %configexecute / %metadatafilter / %metadatavalidate   the matching Arc stages
      |  %conf numRows=N truncate=N display options
      |  %env KEY=VALUE ...         values for ${KEY} substitution
      |  %version                   Arc / Spark / Delta versions
      |Stages run regardless of their `environments` (they still apply to batch runs).""".stripMargin

  private def text(s: String): DisplayData = new DisplayData(s)

  private def messages(e: Throwable): List[String] = {
    val ms = ExceptionUtils.getThrowableList(e).asScala.toList.flatMap(t => Option(t.getMessage).map(_.trim)).filter(_.nonEmpty)
    // drop messages already contained in the previous one (Spark/Arc often wrap the same text)
    val deduped = ms.foldLeft(List.empty[String]) { (acc, m) => if (acc.exists(_.contains(m))) acc else acc :+ m }
    if (deduped.isEmpty) List(e.getClass.getName) else deduped
  }

  /** Arc's config errors, naming the stage; line numbers are dropped (they point into generated HOCON for magics). */
  private def configErrorMessage(errors: List[ai.tripl.arc.config.Error.Error]): String = {
    import ai.tripl.arc.config.Error.{ConfigError, StageError}
    def one(e: ConfigError): String = s"${e.path}: ${e.message.trim}"
    errors.map {
      case StageError(_, stage, _, errs) => (s"Stage '$stage' is invalid:" +: errs.map(e => "  - " + one(e)).distinct).mkString("\n")
      case e: ConfigError => one(e)
    }.mkString("\n")
  }

  private def conf(cell: String): DisplayData = {
    val args = parseArgs(cell.linesIterator.mkString(" "))
    val unknown = args.keySet -- Set("numRows", "truncate")
    if (unknown.nonEmpty) throw new ArcMagicError(s"Unknown %conf option(s): ${unknown.toList.sorted.mkString(", ")}. Supported: numRows, truncate.")
    def int(k: String): Option[Int] = args.get(k).map { v =>
      Try(v.toInt).toOption.filter(_ >= 0).getOrElse(throw new ArcMagicError(s"%conf $k must be a non-negative integer, got '$v'."))
    }
    int("numRows").foreach(numRows = _)
    int("truncate").foreach(truncate = _)
    text(s"Display options:\nnumRows: $numRows\ntruncate: $truncate")
  }

  private def env(cell: String): DisplayData = {
    val args = parseArgs(cell.linesIterator.mkString(" "))
    envArgs = envArgs ++ args
    text(if (envArgs.isEmpty) "No values set." else envArgs.toList.sortBy(_._1).map { case (k, v) => s"$k: $v" }.mkString("\n"))
  }

  private def runStages(cell: String, magic: String, firstLine: String): DisplayData = {
    val magicArgs = if (magic.nonEmpty) parseArgs(firstLine) else Map.empty[String, String]
    val cellNumRows = magicArgs.get("numRows").flatMap(v => Try(v.toInt).toOption).getOrElse(numRows)
    val cellTruncate = magicArgs.get("truncate").flatMap(v => Try(v.toInt).toOption).getOrElse(truncate)

    val usesPlaceholder = ViewMagics.contains(magic) && !magicArgs.contains("outputView")
    val source =
      if (usesPlaceholder) {
        val lines = cell.split("\n", -1)
        (s"${lines.head} outputView=$PlaceholderView" +: lines.tail).mkString("\n")
      } else cell

    // the exact rules a batch run uses to turn a notebook cell into a stage
    val (_, _, stages) = ConfigUtils.parseIPYNBCells(List(source))
    if (stages.trim.isEmpty) throw new ArcConfigError("No stage found in the cell.")
    val config = s"""{"stages": [$stages]}"""

    val (session, plugins) = started
    val ctx0 = newContext(session, plugins, envArgs, userData, resolutionConfig)
    val (pipeline, ctx) = (try ArcPipeline.parseConfig(Left(config), ctx0)(session, logger) catch {
      case e: Throwable => throw new ArcConfigError(messages(e).mkString(": "))
    }) match {
      case Left(errors) => throw new ArcConfigError(configErrorMessage(errors))
      case Right(parsed) => parsed
    }
    if (pipeline.stages.isEmpty) throw new ArcConfigError("No stage found in the cell.")

    try {
      val result: Option[DataFrame] =
        try ARC.run(pipeline)(session, logger, ctx)
        catch {
          case e: Exception with DetailException =>
            val detail = e.detail
            val name = detail.get("name").map(_.toString).getOrElse("?")
            val tpe = detail.get("type").map(_.toString).getOrElse("stage")
            throw new ArcStageError(s"Stage '$name' ($tpe) failed: ${messages(e).mkString(": ")}", e)
          case e: Throwable =>
            val st = pipeline.stages.lastOption
            val label = st.map(s => s"Stage '${s.name}' (${s.getClass.getSimpleName})").getOrElse("Stage")
            throw new ArcStageError(s"$label failed: ${messages(e).mkString(": ")}", e)
        }
      // keep resolution values / user data for the following cells (like arc-jupyter)
      userData = ctx.userData
      resolutionConfig = ctx.resolutionConfig
      result match {
        case Some(df) if df.columns.isEmpty => text("Success. No result.")
        case Some(df) if df.isStreaming => text("Success. (Streaming DataFrame: not displayed.)")
        case Some(df) =>
          val r =
            try HtmlTable.render(df, cellNumRows, cellTruncate)
            catch {
              case e: Throwable =>
                val label = pipeline.stages.lastOption.map(s => s"Stage '${s.name}'").getOrElse("Stage")
                throw new ArcStageError(s"$label failed while computing its result: ${messages(e).mkString(": ")}", e)
            }
          val out = new DisplayData(r.text)
          out.putHTML(r.html)
          out
        case None => text("Success. No result.")
      }
    } finally {
      if (usesPlaceholder) Try(session.catalog.dropTempView(PlaceholderView))
    }
  }
}
