Attribute VB_Name = "JixiaoButtons"
Option Explicit

' The template's four buttons. Each only calls one Python entry point in addin.buttons
' through xlwings' RunPython; every message a clerk reads comes from Python, so this
' module stays ASCII.

Public Sub GenerateReport()
    RunPython "import addin.buttons; addin.buttons.generate_report()"
End Sub

Public Sub CheckInputs()
    RunPython "import addin.buttons; addin.buttons.check_inputs()"
End Sub

Public Sub ExportShareCopy()
    RunPython "import addin.buttons; addin.buttons.export_share_copy()"
End Sub

Public Sub ExportDocx()
    RunPython "import addin.buttons; addin.buttons.export_docx()"
End Sub
