package ai.tripl.arc.load

import java.net.URI

import scala.collection.JavaConverters._

import com.typesafe.config.Config
import io.delta.tables.{DeltaMergeBuilder, DeltaTable}
import org.apache.spark.sql._

import ai.tripl.arc.api.API._
import ai.tripl.arc.config.Error._
import ai.tripl.arc.util.CloudUtils
import ai.tripl.arc.util.DetailException

import dev.arcade.delta.{DeltaStagePlugin, DeltaSupport}

/** Arcade's DeltaLakeMergeLoad: merges (upserts) a view into a Delta Lake table.
  *
  * Same stage type and keys as tripl-ai's arc-deltalake-pipeline-plugin (Arc 3.x line), implemented for Arc 3.7.0
  * on Delta Lake 2.3.0 (whose WHEN NOT MATCHED BY SOURCE clause backs `whenNotMatchedBySourceDelete`).
  * The source view is aliased `source` and the table `target` in every condition / expression.
  */
class DeltaLakeMergeLoad extends DeltaStagePlugin {

  def snippet()(implicit arcContext: ARCContext): String = {
    s"""{
    |  "type": "DeltaLakeMergeLoad",
    |  "name": "DeltaLakeMergeLoad",
    |  "environments": [${arcContext.completionEnvironments.map { env => s""""${env}"""" }.mkString(", ")}],
    |  "inputView": "inputView",
    |  "outputURI": "hdfs://*.delta",
    |  "condition": "source.primaryKey = target.primaryKey",
    |  "whenMatchedDelete": {},
    |  "whenMatchedUpdate": {},
    |  "whenNotMatchedByTargetInsert": {},
    |  "whenNotMatchedBySourceDelete": {}
    |}""".stripMargin
  }

  val documentationURI = new java.net.URI(s"${baseURI}/load/#deltalakemergeload")

  val expectedKeys: List[String] = "type" :: "id" :: "name" :: "description" :: "environments" :: "inputView" ::
    "outputURI" :: "createTableIfNotExists" :: "authentication" :: "params" :: "generateSymlinkManifest" ::
    "condition" :: "whenMatchedDeleteFirst" :: "whenNotMatchedByTargetInsert" :: "whenNotMatchedBySourceDelete" ::
    "whenMatchedUpdate" :: "whenMatchedDelete" :: "partitionBy" :: "numPartitions" :: Nil

  def instantiate(index: Int, config: Config)(implicit spark: SparkSession, logger: ai.tripl.arc.util.log.logger.Logger, arcContext: ARCContext): Either[List[StageError], PipelineStage] = {
    import ai.tripl.arc.config.ConfigReader._
    import ai.tripl.arc.config.ConfigUtils._
    implicit val c: Config = config

    val common = readCommonOptions()
    val inputView = readInputView()
    val outputURI = readOutputURI()
    val createTableIfNotExists = getValue[java.lang.Boolean]("createTableIfNotExists", default = Some(false))
    val condition = getValue[String]("condition")
    val whenMatchedDeleteFirst = getValue[java.lang.Boolean]("whenMatchedDeleteFirst", default = Some(true))
    val generateSymlinkManifest = readGenerateSymlinkManifest()

    // the clause objects: an empty object ({}) means "unconditionally" / "all columns"
    def clause(key: String, withValues: Boolean): Either[Errors, Option[MergeClause]] = {
      if (!c.hasPath(key)) {
        Right(None)
      } else {
        val keysOk = DeltaSupport.checkNestedKeys(c, key, if (withValues) "condition" :: "values" :: Nil else "condition" :: Nil)
        val cond = getOptionalValue[String](s"$key.condition")
        val values: Either[Errors, Option[Map[String, String]]] =
          if (withValues && c.hasPath(s"$key.values")) {
            try Right(Some(readMap(s"$key.values", c)))
            catch { case e: Exception => Left(ConfigError(s"$key.values", Some(c.getValue(s"$key.values").origin.lineNumber), s"Unable to read config value: ${e.getMessage}") :: Nil) }
          } else Right(None)
        (keysOk, cond, values) match {
          case (Right(_), Right(cond), Right(values)) => Right(Some(MergeClause(cond, values)))
          case _ => Left(List(keysOk, cond, values).collect { case Left(errs) => errs }.flatten)
        }
      }
    }

    val whenMatchedUpdate = clause("whenMatchedUpdate", withValues = true)
    val whenMatchedDelete = clause("whenMatchedDelete", withValues = false)
    val whenNotMatchedByTargetInsert = clause("whenNotMatchedByTargetInsert", withValues = true)
    val whenNotMatchedBySourceDelete = clause("whenNotMatchedBySourceDelete", withValues = false)
    val invalidKeys = checkKeys()

    (common.values, inputView, outputURI, createTableIfNotExists, condition, whenMatchedDeleteFirst, generateSymlinkManifest, whenMatchedUpdate, whenMatchedDelete, whenNotMatchedByTargetInsert, whenNotMatchedBySourceDelete, invalidKeys) match {
      case (Some(shared), Right(inputView), Right(outputURI), Right(createTableIfNotExists), Right(condition), Right(whenMatchedDeleteFirst), Right(generateSymlinkManifest), Right(whenMatchedUpdate), Right(whenMatchedDelete), Right(whenNotMatchedByTargetInsert), Right(whenNotMatchedBySourceDelete), Right(_)) =>

        val stage = DeltaLakeMergeLoadStage(
          plugin = this,
          id = shared.id,
          name = shared.name,
          description = shared.description,
          inputView = inputView,
          outputURI = outputURI,
          createTableIfNotExists = createTableIfNotExists,
          condition = condition,
          whenMatchedDeleteFirst = whenMatchedDeleteFirst,
          whenMatchedUpdate = whenMatchedUpdate,
          whenMatchedDelete = whenMatchedDelete,
          whenNotMatchedByTargetInsert = whenNotMatchedByTargetInsert,
          whenNotMatchedBySourceDelete = whenNotMatchedBySourceDelete,
          authentication = shared.authentication,
          partitionBy = shared.partitionBy,
          numPartitions = shared.numPartitions,
          params = shared.params,
          generateSymlinkManifest = generateSymlinkManifest
        )

        shared.putDetail(stage.stageDetail)
        stage.stageDetail.put("inputView", inputView)
        stage.stageDetail.put("outputURI", outputURI.toString)
        stage.stageDetail.put("condition", condition)
        stage.stageDetail.put("createTableIfNotExists", java.lang.Boolean.valueOf(createTableIfNotExists))
        stage.stageDetail.put("whenMatchedDeleteFirst", java.lang.Boolean.valueOf(whenMatchedDeleteFirst))
        stage.stageDetail.put("generateSymlinkManifest", java.lang.Boolean.valueOf(generateSymlinkManifest))
        whenMatchedUpdate.foreach { cl => stage.stageDetail.put("whenMatchedUpdate", cl.toDetail("updateAll")) }
        whenMatchedDelete.foreach { cl => stage.stageDetail.put("whenMatchedDelete", cl.toDetail("")) }
        whenNotMatchedByTargetInsert.foreach { cl => stage.stageDetail.put("whenNotMatchedByTargetInsert", cl.toDetail("insertAll")) }
        whenNotMatchedBySourceDelete.foreach { cl => stage.stageDetail.put("whenNotMatchedBySourceDelete", cl.toDetail("")) }

        Right(stage)
      case _ =>
        invalidStage(index, common.name, common.id, common.name, common.description, inputView, outputURI, createTableIfNotExists, common.authentication, common.partitionBy, common.numPartitions, condition, whenMatchedDeleteFirst, generateSymlinkManifest, whenMatchedUpdate, whenMatchedDelete, whenNotMatchedByTargetInsert, whenNotMatchedBySourceDelete, invalidKeys)
    }
  }
}

/** One merge clause: an optional condition and, for update / insert, optional column -> SQL expression values
  * (absent values = updateAll / insertAll). */
case class MergeClause(condition: Option[String], values: Option[Map[String, String]]) {
  def toDetail(allFlag: String): java.util.Map[String, Object] = {
    val m = new java.util.HashMap[String, Object]()
    condition.foreach { m.put("condition", _) }
    values.foreach { v => m.put("values", v.asJava) }
    if (allFlag.nonEmpty) m.put(allFlag, java.lang.Boolean.valueOf(values.isEmpty))
    m
  }
}

case class DeltaLakeMergeLoadStage(
    plugin: DeltaLakeMergeLoad,
    id: Option[String],
    name: String,
    description: Option[String],
    inputView: String,
    outputURI: URI,
    createTableIfNotExists: Boolean,
    condition: String,
    whenMatchedDeleteFirst: Boolean,
    whenMatchedUpdate: Option[MergeClause],
    whenMatchedDelete: Option[MergeClause],
    whenNotMatchedByTargetInsert: Option[MergeClause],
    whenNotMatchedBySourceDelete: Option[MergeClause],
    authentication: Option[Authentication],
    partitionBy: List[String],
    numPartitions: Option[Int],
    params: Map[String, String],
    generateSymlinkManifest: Boolean
  ) extends LoadPipelineStage {

  override def execute()(implicit spark: SparkSession, logger: ai.tripl.arc.util.log.logger.Logger, arcContext: ARCContext): Option[DataFrame] = {
    DeltaLakeMergeLoadStage.execute(this)
  }
}

object DeltaLakeMergeLoadStage {

  private def addMatchedUpdate(b: DeltaMergeBuilder, cl: MergeClause): DeltaMergeBuilder = {
    val action = cl.condition.fold(b.whenMatched())(b.whenMatched(_))
    cl.values.fold(action.updateAll())(v => action.updateExpr(v))
  }

  private def addMatchedDelete(b: DeltaMergeBuilder, cl: MergeClause): DeltaMergeBuilder =
    cl.condition.fold(b.whenMatched())(b.whenMatched(_)).delete()

  private def addNotMatchedInsert(b: DeltaMergeBuilder, cl: MergeClause): DeltaMergeBuilder = {
    val action = cl.condition.fold(b.whenNotMatched())(b.whenNotMatched(_))
    cl.values.fold(action.insertAll())(v => action.insertExpr(v))
  }

  private def addNotMatchedBySourceDelete(b: DeltaMergeBuilder, cl: MergeClause): DeltaMergeBuilder =
    cl.condition.fold(b.whenNotMatchedBySource())(b.whenNotMatchedBySource(_)).delete()

  def execute(stage: DeltaLakeMergeLoadStage)(implicit spark: SparkSession, logger: ai.tripl.arc.util.log.logger.Logger, arcContext: ARCContext): Option[DataFrame] = {
    val path = stage.outputURI.toString
    val shufflePartitionsKey = "spark.sql.shuffle.partitions"
    val previousShufflePartitions = spark.conf.getOption(shufflePartitionsKey)

    try {
      val df = spark.table(stage.inputView)
      CloudUtils.setHadoopConfiguration(stage.authentication)
      val nonNullDF = DeltaSupport.dropNullTypes(df, "DeltaLakeMergeLoad", stage.inputView, stage.stageDetail)

      val sourceDF = stage.partitionBy match {
        case Nil => nonNullDF
        case cols => nonNullDF.repartition(cols.map(nonNullDF(_)): _*)
      }

      if (DeltaTable.isDeltaTable(spark, path)) {
        // numPartitions: how many partitions the merge's shuffle (and so its rewritten files) uses
        stage.numPartitions.foreach { n => spark.conf.set(shufflePartitionsKey, n.toLong) }

        val merge = DeltaTable.forPath(spark, path).as("target").merge(sourceDF.as("source"), stage.condition)
        val matched = if (stage.whenMatchedDeleteFirst) {
          val withDelete = stage.whenMatchedDelete.foldLeft(merge)(addMatchedDelete)
          stage.whenMatchedUpdate.foldLeft(withDelete)(addMatchedUpdate)
        } else {
          val withUpdate = stage.whenMatchedUpdate.foldLeft(merge)(addMatchedUpdate)
          stage.whenMatchedDelete.foldLeft(withUpdate)(addMatchedDelete)
        }
        val inserted = stage.whenNotMatchedByTargetInsert.foldLeft(matched)(addNotMatchedInsert)
        val complete = stage.whenNotMatchedBySourceDelete.foldLeft(inserted)(addNotMatchedBySourceDelete)
        complete.execute()
      } else if (stage.createTableIfNotExists) {
        // no table yet: the source becomes the table
        val repartitioned = DeltaSupport.repartition(nonNullDF, stage.partitionBy, stage.numPartitions)
        val writer = repartitioned.write.format("delta").mode(SaveMode.ErrorIfExists)
        (if (stage.partitionBy.isEmpty) writer else writer.partitionBy(stage.partitionBy: _*)).save(path)
      } else {
        throw new Exception(s"'$path' is not a Delta table and 'createTableIfNotExists' is false so cannot complete this operation.")
      }

      if (stage.generateSymlinkManifest) {
        DeltaTable.forPath(spark, path).generate("symlink_format_manifest")
      }

      stage.stageDetail.put("commit", DeltaSupport.latestCommit(spark, path))

      Option(df)
    } catch {
      case e: Exception with DetailException => throw e
      case e: Exception => throw new Exception(e) with DetailException {
        override val detail = stage.stageDetail
      }
    } finally {
      previousShufflePartitions match {
        case Some(v) => spark.conf.set(shufflePartitionsKey, v)
        case None => spark.conf.unset(shufflePartitionsKey)
      }
    }
  }
}
