package dev.arcade.delta

import java.net.URI

import scala.collection.JavaConverters._

import com.typesafe.config.Config
import org.apache.spark.sql.SparkSession

import ai.tripl.arc.api.API._
import ai.tripl.arc.config.ConfigReader._
import ai.tripl.arc.config.ConfigUtils._
import ai.tripl.arc.config.Error._
import ai.tripl.arc.plugins.PipelineStagePlugin
import ai.tripl.arc.util.EitherUtils._

/** The config reading shared by DeltaLakeExtract, DeltaLakeLoad and DeltaLakeMergeLoad.
  *
  * Values are read the Arc way, each as an Either, so that all of a stage's errors are reported together. Each stage
  * still lists its values in its own order (the order of its error messages) and keeps its own `expectedKeys`, the
  * upstream plugin's keys in the order of Arc's "Perhaps you meant one of" suggestions.
  */
trait DeltaStagePlugin extends PipelineStagePlugin with JupyterCompleter {

  val version: String = DeltaSupport.pluginVersion

  /** Every key the stage accepts; any other key is rejected with Arc's "Invalid attribute" error. */
  def expectedKeys: List[String]

  /** The keys every Delta stage reads the same way. */
  protected def readCommonOptions()(implicit c: Config): CommonOptions = CommonOptions(
    id = getOptionalValue[String]("id"),
    name = getValue[String]("name"),
    description = getOptionalValue[String]("description"),
    authentication = readAuthentication("authentication"),
    params = readMap("params", c),
    partitionBy = getValue[List[String]]("partitionBy", default = Some(Nil)),
    numPartitions = getOptionalValue[Int]("numPartitions")
  )

  /** `inputView` of the loads. */
  protected def readInputView()(implicit c: Config): Either[Errors, String] = getValue[String]("inputView")

  /** `outputURI` of the loads. */
  protected def readOutputURI()(implicit spark: SparkSession, c: Config): Either[Errors, URI] =
    getValue[String]("outputURI") |> parseURI("outputURI") _

  /** `generateSymlinkManifest` of the loads, default true (as in the upstream plugin). */
  protected def readGenerateSymlinkManifest()(implicit c: Config): Either[Errors, java.lang.Boolean] =
    getValue[java.lang.Boolean]("generateSymlinkManifest", default = Some(true))

  /** Arc's own check of the stage's keys. */
  protected def checkKeys()(implicit c: Config): Either[Errors, String] = checkValidKeys(c)(expectedKeys)

  /** The result of an invalid stage: one StageError with the errors of `values` in that order, named after the
    * stage ("unnamed stage" when `name` itself is missing). */
  protected def invalidStage(index: Int, name: Either[Errors, String], values: Either[Errors, Any]*)(implicit c: Config): Left[List[StageError], Nothing] = {
    val errors: Errors = values.toList.collect { case Left(errs) => errs }.flatten
    Left(StageError(index, stringOrDefault(name, "unnamed stage"), c.origin.lineNumber, errors) :: Nil)
  }
}

/** The common keys as read: every value is an Either, so that the stage can report all errors together. */
final case class CommonOptions(
    id: Either[Errors, Option[String]],
    name: Either[Errors, String],
    description: Either[Errors, Option[String]],
    authentication: Either[Errors, Option[Authentication]],
    params: Map[String, String],
    partitionBy: Either[Errors, List[String]],
    numPartitions: Either[Errors, Option[Int]]
) {
  /** The values, if none of them has an error. */
  def values: Option[CommonValues] =
    for {
      id <- id.toOption
      name <- name.toOption
      description <- description.toOption
      authentication <- authentication.toOption
      partitionBy <- partitionBy.toOption
      numPartitions <- numPartitions.toOption
    } yield CommonValues(id, name, description, authentication, params, partitionBy, numPartitions)
}

final case class CommonValues(
    id: Option[String],
    name: String,
    description: Option[String],
    authentication: Option[Authentication],
    params: Map[String, String],
    partitionBy: List[String],
    numPartitions: Option[Int]
) {
  /** The common values in the stage's detail (logged by Arc). */
  def putDetail(stageDetail: collection.mutable.Map[String, Object]): Unit = {
    authentication.foreach { a => stageDetail.put("authentication", a.method) }
    stageDetail.put("params", params.asJava)
    stageDetail.put("partitionBy", partitionBy.asJava)
    numPartitions.foreach { n => stageDetail.put("numPartitions", Integer.valueOf(n)) }
  }
}
