"""``workbench model``: the study's logic model (programme theory) from the command line.

Loading a model and every change to its nodes and edges are decision-log events, like
decisions about themes; ``coverage`` says which nodes the themes evidence.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from workbench.cli.support import (
    ByOpt,
    ForceOpt,
    FormatOpt,
    StudyOpt,
    WhyOpt,
    check_out,
    done,
    emit,
    handled,
    open_study,
    write_out,
)
from workbench.core.names import terminal_safe
from workbench.errors import WorkbenchError

__all__ = ["model_app"]

model_app = typer.Typer(help="The study's logic model: load, show, edit, export, coverage.", no_args_is_help=True)
NodeTypeOpt = Annotated[str | None, typer.Option("--type", help="context, input, component, mechanism, output, outcome or feedback.")]



@model_app.command("load")
@handled
def load(file: Annotated[Path, typer.Argument(help="A logic-model YAML file, e.g. models/mash-ipe.yaml.")],
         study: StudyOpt, by: ByOpt = None, why: WhyOpt = "") -> None:
    """Load a logic model into the study (replacing the current one, if its mapped nodes remain)."""
    done(open_study(study).load_logic_model(file, by, why))


@model_app.command("show")
@handled
def show(study: StudyOpt, fmt: FormatOpt = "table") -> None:
    """The logic model's nodes, with how many themes are mapped to each."""
    opened = open_study(study)
    model = opened.logic_model()
    if model is None:
        raise WorkbenchError(f"{opened.location}: no logic model yet; load one with 'workbench model load FILE'")
    mapped = opened.codebook().mapped()
    rows = [{"id": n.id, "type": n.type, "label": n.label, "themes": ";".join(mapped.get(n.id, [])),
             "questions": ";".join(n.questions), "description": n.description} for n in model.nodes]
    emit(rows, fmt, ["id", "type", "label", "themes", "questions"] + (["description"] if fmt != "table" else []),
         {"label": 50})
    if fmt == "table":
        typer.echo(terminal_safe(f"{model.name}: {len(model.nodes)} nodes, {len(model.edges)} edges"))


@model_app.command("export")
@handled
def export(study: StudyOpt, out: Annotated[Path, typer.Option("--out", "-o", help="The YAML file to write.")],
           force: ForceOpt = False) -> None:
    """Write the logic model as it stands (with the team's edits) back to YAML."""
    check_out(out, study=study, force=force)
    write_out(out, open_study(study).export_logic_model(), study=study, force=force)
    typer.echo(f"wrote {out}")


@model_app.command("add-node")
@handled
def add_node(node: Annotated[str, typer.Argument(help="The new node's id, e.g. mech-trust.")], study: StudyOpt,
             node_type: NodeTypeOpt = None,
             label: Annotated[str, typer.Option(help="A short label.")] = "",
             description: Annotated[str, typer.Option(help="What the node means.")] = "",
             question: Annotated[list[str] | None, typer.Option(help="A research question it bears on (repeatable).")] = None,
             by: ByOpt = None, why: WhyOpt = "") -> None:
    """Add a node to the logic model."""
    if not node_type:
        raise WorkbenchError("give the node's --type (context, input, component, mechanism, output, outcome or feedback)")
    done(open_study(study).add_node(node, node_type, label, description, question or [], by, why))


@model_app.command("edit-node")
@handled
def edit_node(node: Annotated[str, typer.Argument(help="The node's id.")], study: StudyOpt,
              node_type: NodeTypeOpt = None,
              label: Annotated[str | None, typer.Option(help="A new label.")] = None,
              description: Annotated[str | None, typer.Option(help="A new description.")] = None,
              question: Annotated[list[str] | None, typer.Option(help="Research questions (repeatable; replaces the list).")] = None,
              by: ByOpt = None, why: WhyOpt = "") -> None:
    """Change a node's type, label, description or questions."""
    done(open_study(study).edit_node(node, node_type, label, description, question, by, why))


@model_app.command("remove-node")
@handled
def remove_node(node: Annotated[str, typer.Argument(help="The node's id.")], study: StudyOpt, by: ByOpt = None,
                why: WhyOpt = "") -> None:
    """Remove a node and its edges (a reason is required; unmap its themes first)."""
    done(open_study(study).remove_node(node, by, why))


@model_app.command("add-edge")
@handled
def add_edge(source: Annotated[str, typer.Argument(help="From this node id.")],
             target: Annotated[str, typer.Argument(help="To this node id.")], study: StudyOpt,
             label: Annotated[str, typer.Option(help="What the arrow means.")] = "", by: ByOpt = None,
             why: WhyOpt = "") -> None:
    """Add an edge between two nodes."""
    done(open_study(study).add_edge(source, target, label, by, why))


@model_app.command("remove-edge")
@handled
def remove_edge(source: Annotated[str, typer.Argument(help="From this node id.")],
                target: Annotated[str, typer.Argument(help="To this node id.")], study: StudyOpt, by: ByOpt = None,
                why: WhyOpt = "") -> None:
    """Remove an edge (a reason is required)."""
    done(open_study(study).remove_edge(source, target, by, why))


@model_app.command("coverage")
@handled
def coverage(study: StudyOpt, fmt: FormatOpt = "table") -> None:
    """For each node: the themes, segments, participants, sites and roles that evidence it."""
    found = open_study(study).coverage()
    rows = [{"node": e.node.id, "type": e.node.type, "label": e.node.label, "themes": ";".join(e.themes),
             "segments": len(e.segments), "participants": len(e.participants), "sites": len(e.sites),
             "roles": len(e.roles)} for e in found.nodes]
    emit(rows, fmt, ["node", "type", "label", "themes", "segments", "participants", "sites", "roles"], {"label": 40})
    if fmt == "table":
        typer.echo(f"{len(found.without_evidence)} node(s) without evidence: {', '.join(found.without_evidence)}")
        if found.unmapped_themes:
            typer.echo(f"themes mapped to no node: {', '.join(found.unmapped_themes)}")
