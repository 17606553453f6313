package ai.tripl.arc.load

import java.net.URI

import scala.collection.JavaConverters._

import com.typesafe.config.Config
import io.delta.tables.DeltaTable
import org.apache.spark.sql._

import ai.tripl.arc.api.API._
import ai.tripl.arc.config._
import ai.tripl.arc.config.Error._
import ai.tripl.arc.plugins.PipelineStagePlugin
import ai.tripl.arc.util.CloudUtils
import ai.tripl.arc.util.DetailException
import ai.tripl.arc.util.EitherUtils._

import dev.arcade.delta.DeltaSupport

/** Arcade's DeltaLakeLoad: writes a view to a Delta Lake table.
  *
  * Same stage type and keys as tripl-ai's arc-deltalake-pipeline-plugin, implemented for Arc 3.7.0.
  */
class DeltaLakeLoad extends PipelineStagePlugin with JupyterCompleter {

  val version = DeltaSupport.pluginVersion

  def snippet()(implicit arcContext: ARCContext): String = {
    s"""{
    |  "type": "DeltaLakeLoad",
    |  "name": "DeltaLakeLoad",
    |  "environments": [${arcContext.completionEnvironments.map { env => s""""${env}"""" }.mkString(", ")}],
    |  "inputView": "inputView",
    |  "outputURI": "hdfs://*.delta"
    |}""".stripMargin
  }

  val documentationURI = new java.net.URI(s"${baseURI}/load/#deltalakeload")

  val expectedKeys: List[String] = "type" :: "id" :: "name" :: "description" :: "environments" :: "inputView" ::
    "outputURI" :: "authentication" :: "numPartitions" :: "partitionBy" :: "saveMode" :: "replaceWhere" ::
    "mergeSchema" :: "overwriteSchema" :: "outputMode" :: "checkpointLocation" :: "params" :: "options" ::
    "generateSymlinkManifest" :: Nil

  def instantiate(index: Int, config: Config)(implicit spark: SparkSession, logger: ai.tripl.arc.util.log.logger.Logger, arcContext: ARCContext): Either[List[StageError], PipelineStage] = {
    import ai.tripl.arc.config.ConfigReader._
    import ai.tripl.arc.config.ConfigUtils._
    implicit val c: Config = config

    val id = getOptionalValue[String]("id")
    val name = getValue[String]("name")
    val description = getOptionalValue[String]("description")
    val inputView = getValue[String]("inputView")
    val outputURI = getValue[String]("outputURI") |> parseURI("outputURI") _
    val partitionBy = getValue[StringList]("partitionBy", default = Some(Nil))
    val numPartitions = getOptionalValue[Int]("numPartitions")
    val authentication = readAuthentication("authentication")
    val saveMode = getValue[String]("saveMode", default = Some("Overwrite"), validValues = "Append" :: "ErrorIfExists" :: "Ignore" :: "Overwrite" :: Nil) |> parseSaveMode("saveMode") _
    val outputMode = getValue[String]("outputMode", default = Some("Append"), validValues = "Append" :: "Complete" :: "Update" :: Nil) |> parseOutputModeType("outputMode") _
    val replaceWhere = getOptionalValue[String]("replaceWhere")
    val mergeSchema = getOptionalValue[java.lang.Boolean]("mergeSchema")
    val overwriteSchema = getOptionalValue[java.lang.Boolean]("overwriteSchema")
    val checkpointLocation = getOptionalValue[String]("checkpointLocation")
    val generateSymlinkManifest = getValue[java.lang.Boolean]("generateSymlinkManifest", default = Some(true))
    val params = readMap("params", c)
    val invalidKeys = checkValidKeys(c)(expectedKeys)

    (id, name, description, inputView, outputURI, partitionBy, numPartitions, authentication, saveMode, outputMode, replaceWhere, mergeSchema, overwriteSchema, checkpointLocation, generateSymlinkManifest, invalidKeys) match {
      case (Right(id), Right(name), Right(description), Right(inputView), Right(outputURI), Right(partitionBy), Right(numPartitions), Right(authentication), Right(saveMode), Right(outputMode), Right(replaceWhere), Right(mergeSchema), Right(overwriteSchema), Right(checkpointLocation), Right(generateSymlinkManifest), Right(_)) =>

        // Delta writer options: `options` first, then the dedicated keys; overwriteSchema defaults to true
        // (as in the original plugin) so an Overwrite can change the table's schema.
        val userOptions = readMap("options", c)
        val options = userOptions ++
          Map("overwriteSchema" -> overwriteSchema.map(_.toString).getOrElse(userOptions.getOrElse("overwriteSchema", "true"))) ++
          mergeSchema.map(v => "mergeSchema" -> v.toString) ++
          replaceWhere.map(v => "replaceWhere" -> v) ++
          checkpointLocation.map(v => "checkpointLocation" -> v)

        val stage = DeltaLakeLoadStage(
          plugin = this,
          id = id,
          name = name,
          description = description,
          inputView = inputView,
          outputURI = outputURI,
          partitionBy = partitionBy,
          numPartitions = numPartitions,
          authentication = authentication,
          saveMode = saveMode,
          outputMode = outputMode,
          options = options,
          generateSymlinkManifest = generateSymlinkManifest,
          params = params
        )

        authentication.foreach { a => stage.stageDetail.put("authentication", a.method) }
        numPartitions.foreach { n => stage.stageDetail.put("numPartitions", Integer.valueOf(n)) }
        stage.stageDetail.put("inputView", inputView)
        stage.stageDetail.put("outputURI", outputURI.toString)
        stage.stageDetail.put("partitionBy", partitionBy.asJava)
        stage.stageDetail.put("saveMode", saveMode.toString.toLowerCase)
        stage.stageDetail.put("options", options.asJava)
        stage.stageDetail.put("params", params.asJava)
        stage.stageDetail.put("generateSymlinkManifest", java.lang.Boolean.valueOf(generateSymlinkManifest))

        Right(stage)
      case _ =>
        val allErrors: Errors = List(id, name, description, inputView, outputURI, partitionBy, numPartitions, authentication, saveMode, outputMode, replaceWhere, mergeSchema, overwriteSchema, checkpointLocation, generateSymlinkManifest, invalidKeys).collect { case Left(errs) => errs }.flatten
        val stageName = stringOrDefault(name, "unnamed stage")
        Left(StageError(index, stageName, c.origin.lineNumber, allErrors) :: Nil)
    }
  }
}

case class DeltaLakeLoadStage(
    plugin: DeltaLakeLoad,
    id: Option[String],
    name: String,
    description: Option[String],
    inputView: String,
    outputURI: URI,
    partitionBy: List[String],
    numPartitions: Option[Int],
    authentication: Option[Authentication],
    saveMode: SaveMode,
    outputMode: OutputModeType,
    options: Map[String, String],
    generateSymlinkManifest: Boolean,
    params: Map[String, String]
  ) extends LoadPipelineStage {

  override def execute()(implicit spark: SparkSession, logger: ai.tripl.arc.util.log.logger.Logger, arcContext: ARCContext): Option[DataFrame] = {
    DeltaLakeLoadStage.execute(this)
  }
}

object DeltaLakeLoadStage {

  def execute(stage: DeltaLakeLoadStage)(implicit spark: SparkSession, logger: ai.tripl.arc.util.log.logger.Logger, arcContext: ARCContext): Option[DataFrame] = {
    val path = stage.outputURI.toString

    try {
      val df = spark.table(stage.inputView)
      CloudUtils.setHadoopConfiguration(stage.authentication)
      val nonNullDF = DeltaSupport.dropNullTypes(df, "DeltaLakeLoad", stage.inputView, stage.stageDetail)

      if (nonNullDF.isStreaming) {
        val writer = nonNullDF.writeStream.format("delta").outputMode(stage.outputMode.sparkString).options(stage.options)
        val partitioned = if (stage.partitionBy.isEmpty) writer else writer.partitionBy(stage.partitionBy: _*)
        partitioned.start(path)
      } else {
        if (stage.numPartitions.isEmpty) {
          stage.stageDetail.put("numPartitions", Integer.valueOf(nonNullDF.rdd.getNumPartitions))
        }
        val repartitioned = (stage.partitionBy, stage.numPartitions) match {
          case (Nil, Some(n)) => nonNullDF.repartition(n)
          case (Nil, None) => nonNullDF
          case (cols, Some(n)) => nonNullDF.repartition(n, cols.map(nonNullDF(_)): _*)
          case (cols, None) => nonNullDF.repartition(cols.map(nonNullDF(_)): _*)
        }
        val writer = repartitioned.write.format("delta").mode(stage.saveMode).options(stage.options)
        val partitioned = if (stage.partitionBy.isEmpty) writer else writer.partitionBy(stage.partitionBy: _*)
        partitioned.save(path)

        // a symlink manifest lets Presto/Athena read the table
        if (stage.generateSymlinkManifest) {
          DeltaTable.forPath(spark, path).generate("symlink_format_manifest")
        }

        stage.stageDetail.put("commit", DeltaSupport.latestCommit(spark, path))
      }

      Option(nonNullDF)
    } catch {
      case e: Exception with DetailException => throw e
      case e: Exception => throw new Exception(e) with DetailException {
        override val detail = stage.stageDetail
      }
    }
  }
}
