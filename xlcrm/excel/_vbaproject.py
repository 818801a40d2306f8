"""``python -m xlcrm.excel._vbaproject OUTDIR module.bas...``: write OUTDIR/vbaProject.bin with ms-ovba.

Run by ``xlcrm.excel.build.vba_project`` in a child process (ms-ovba writes scratch files
into the working directory and leaves handles open). Two fixes make its output usable and
reproducible: our MS-OVBA compressor replaces ``ms_ovba_compression``'s (which garbles
input over ~1 KB), and the seed of the CMG/DPB/GC obfuscation is fixed.
"""

from __future__ import annotations

import os
import random
import sys
import uuid
from pathlib import Path

PROJECT_ID = "{6C1A4A3E-2B0C-4C7E-9C55-7843C0A1D9E1}"  # fixed, so builds are identical
# Document modules every Excel VBA project has, with the class GUIDs Excel gives them.
DOC_MODULES = (("ThisWorkbook", "00020819-0000-0000-C000-000000000046"),
               ("Sheet1", "00020820-0000-0000-C000-000000000046"))
DOC_SOURCE = (
    "VERSION 1.0 CLASS\nBEGIN\n  MultiUse = -1  'True\nEND\n"  # skipped by DocModule.normalize_file
    'Attribute VB_Name = "{name}"\n'
    "Attribute VB_GlobalNameSpace = False\n"
    "Attribute VB_Creatable = False\n"
    "Attribute VB_PredeclaredId = True\n"
    "Attribute VB_Exposed = True\n"
)
VERSION_COMPATIBLE32 = "393222000"  # as Excel writes it (Excel 2010 and later)
CLOSED_WINDOW = (0, 0, 0, 0, "C")  # [Workspace]: the module's code window position, closed
REFERENCES = (
    ("00020430-0000-0000-C000-000000000046", "2.0", r"C:\Windows\System32\stdole2.tlb",
     "OLE Automation", "stdole"),
    ("2DF8D04C-5BFA-101B-BDE5-00AA0044DE52", "2.0",
     r"C:\Program Files\Common Files\Microsoft Shared\OFFICE16\MSO.DLL",
     "Microsoft Office 16.0 Object Library", "Office"),  # IRibbonUI, IRibbonControl
)


def main(outdir: str, *sources: str) -> None:
    import ms_ovba_compression.ms_ovba as compression
    import ms_ovba_crypto.ms_ovba_crypto as crypto
    from ms_ovba.Models.Entities.doc_module import DocModule
    from ms_ovba.Models.Entities.reference import Reference
    from ms_ovba.Models.Entities.reference_registered import ReferenceRegistered
    from ms_ovba.Models.Entities.std_module import StdModule
    from ms_ovba.Models.Fields.libid_reference import LibidReference
    from ms_ovba.vbaProject import VbaProject
    from ms_ovba.Views.project_ole_file import ProjectOleFile

    from xlcrm.excel import _ovba

    compression.MsOvba.compress = lambda self, data: _ovba.compress(data)
    crypto.random = random.Random(0)
    os.chdir(outdir)
    project = VbaProject()
    project.project_id = PROJECT_ID
    # What Excel writes and ms-ovba leaves out unless asked (compared stream by stream with an
    # Excel-saved project in tests/excel/test_addin.py): the PROJECTwm stream (module names in
    # UTF-16), VersionCompatible32 and a [Workspace] line per module (its editor window: closed).
    project.include_projectwm()
    project.add_attribute("VersionCompatible32", VERSION_COMPATIBLE32)
    for name, guid in DOC_MODULES:
        path = Path(outdir) / f"{name}.cls"
        path.write_text(DOC_SOURCE.format(name=name), encoding="ascii")
        module = DocModule(name)
        module.add_file(str(path))
        module.add_guid(uuid.UUID(guid))
        module.normalize_file()
        module.add_workspace(*CLOSED_WINDOW)
        project.add_module(module)
    for src in map(Path, sources):
        copy = Path(outdir) / src.name  # normalize_file appends to <file>.new beside the source
        copy.write_bytes(src.read_bytes().replace(b"\r\n", b"\n"))
        module = StdModule(src.stem)
        module.add_file(str(copy))
        module.normalize_file()
        module.add_workspace(*CLOSED_WINDOW)
        project.add_module(module)
    for guid, version, path, name, ref in REFERENCES:
        libid = LibidReference(uuid.UUID(guid), version, "0", path, name)
        project.add_reference(Reference(ReferenceRegistered(libid), ref))
    ProjectOleFile.write_file(project)


if __name__ == "__main__":
    main(*sys.argv[1:])
