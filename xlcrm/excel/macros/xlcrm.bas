Attribute VB_Name = "xlcrm"
' xlcrm ribbon tab: every button runs one function of xlcrm/excel/ribbon.py through
' xlwings' RunPython, so the ribbon, the UDFs and `xlcrm refresh` share one pipeline.
' Labels follow the active workbook's language (Chinese sheet names or a Chinese Excel).
' This module is ASCII only: VBA stores source in the ANSI code page, so Chinese text is
' built from its code points (U "5BA2 6237" = two characters).
Option Explicit

' What the add-in needs from xlwings (written by `xlcrm excel install` into the user's
' xlwings.conf; listed here so a reader of the VBA sees them too).
Public Const XLCRM_UDF_MODULES As String = "xlcrm.excel.udfs"
Public Const XLCRM_XLWINGS_ADDIN As String = "xlwings.xlam"

Private xlcrmRibbon As IRibbonUI

' ---------------------------------------------------------------- ribbon callbacks

Public Sub xlcrm_OnLoad(ribbon As IRibbonUI)
    Set xlcrmRibbon = ribbon
End Sub

Public Sub xlcrm_RefreshAll(control As IRibbonControl)
    xlcrmRun "import xlcrm.excel.ribbon as r; r.refresh_all()"
End Sub

Public Sub xlcrm_Classify(control As IRibbonControl)
    xlcrmRun "import xlcrm.excel.ribbon as r; r.classify()"
End Sub

Public Sub xlcrm_Churn(control As IRibbonControl)
    xlcrmRun "import xlcrm.excel.ribbon as r; r.churn()"
End Sub

Public Sub xlcrm_VisitPlan(control As IRibbonControl)
    xlcrmRun "import xlcrm.excel.ribbon as r; r.visit_plan()"
End Sub

Public Sub xlcrm_ComplaintLog(control As IRibbonControl)
    xlcrmRun "import xlcrm.excel.ribbon as r; r.complaint_log()"
End Sub

Public Sub xlcrm_Settings(control As IRibbonControl)
    xlcrmRun "import xlcrm.excel.ribbon as r; r.settings()"
End Sub

Public Sub xlcrm_Help(control As IRibbonControl)
    xlcrmRun "import xlcrm.excel.ribbon as r; r.help()"
End Sub

Public Sub xlcrm_GetLabel(control As IRibbonControl, ByRef label)
    label = xlcrmLabel(control.ID)
End Sub

Public Sub xlcrm_GetScreentip(control As IRibbonControl, ByRef screentip)
    Select Case control.ID
        Case "xlcrmRefreshAll": screentip = Pick("91CD 65B0 8BA1 7B97 5168 90E8 5BA2 6237 8868", "Recompute every xlcrm sheet")
        Case "xlcrmClassify": screentip = Pick("751F 547D 5468 671F 3001 4EF7 503C 91D1 5B57 5854 3001 0041 0042 0043 3001 0052 0046 004D", "Lifecycle, value pyramid, ABC, RFM")
        Case "xlcrmChurn": screentip = Pick("6D41 5931 98CE 9669 53CA 539F 56E0", "Churn risk and its reasons")
        Case "xlcrmVisitPlan": screentip = Pick("62DC 8BBF 8C01 3001 4F55 65F6 3001 7531 8C01", "Who to visit, when, by whom")
        Case "xlcrmComplaintLog": screentip = Pick("6295 8BC9 671F 9650 4E0E 5347 7EA7", "Complaint deadlines and escalation")
        Case "xlcrmSettings": screentip = Pick("6253 5F00 6216 65B0 5EFA 8BBE 7F6E 8868", "Open or create the Settings sheet")
        Case "xlcrmHelp": screentip = Pick("4F7F 7528 8BF4 660E", "How to use xlcrm")
        Case Else: screentip = xlcrmLabel(control.ID)
    End Select
End Sub

' ---------------------------------------------------------------- helpers

Public Function xlcrmLabel(ByVal id As String) As String
    Select Case id
        Case "xlcrmTab": xlcrmLabel = Pick("5BA2 6237 7BA1 7406", "CRM")
        Case "xlcrmGroupRefresh": xlcrmLabel = Pick("5237 65B0", "Refresh")
        Case "xlcrmGroupAnalyse": xlcrmLabel = Pick("5206 6790", "Analyse")
        Case "xlcrmGroupSetup": xlcrmLabel = Pick("8BBE 7F6E", "Setup")
        Case "xlcrmRefreshAll": xlcrmLabel = Pick("5168 90E8 5237 65B0", "Refresh All")
        Case "xlcrmClassify": xlcrmLabel = Pick("5BA2 6237 5206 7EA7", "Classify")
        Case "xlcrmChurn": xlcrmLabel = Pick("6D41 5931 9884 8B66", "Churn")
        Case "xlcrmVisitPlan": xlcrmLabel = Pick("62DC 8BBF 8BA1 5212", "Visit Plan")
        Case "xlcrmComplaintLog": xlcrmLabel = Pick("6295 8BC9 8DDF 8E2A", "Complaint Log")
        Case "xlcrmSettings": xlcrmLabel = Pick("8BBE 7F6E", "Settings")
        Case "xlcrmHelp": xlcrmLabel = Pick("5E2E 52A9", "Help")
        Case Else: xlcrmLabel = id
    End Select
End Function

Private Sub xlcrmRun(ByVal pythonCode As String)
    ' RunPython lives in the xlwings add-in; calling it by name keeps this project free of
    ' a compile-time reference to it.
    On Error GoTo failed
    Application.Run "'" & XLCRM_XLWINGS_ADDIN & "'!RunPython", pythonCode
    If Not xlcrmRibbon Is Nothing Then xlcrmRibbon.Invalidate  ' the language may have changed
    Exit Sub
failed:
    MsgBox Pick("672A 627E 5230 0020 0078 006C 0077 0069 006E 0067 0073 0020 52A0 8F7D 9879 FF0C 8BF7 5728 547D 4EE4 884C 8FD0 884C FF1A", _
                "The xlwings add-in did not run. In a command prompt, run: ") & _
           "xlcrm excel install" & vbCrLf & vbCrLf & Err.Description, vbExclamation, "xlcrm"
End Sub

Public Function xlcrmLang() As String
    ' zh when the active workbook has a Chinese sheet name, else Excel's UI language.
    Dim ws As Object, i As Long, c As Long
    If Not ActiveWorkbook Is Nothing Then
        For Each ws In ActiveWorkbook.Worksheets
            For i = 1 To Len(ws.Name)
                c = AscW(Mid$(ws.Name, i, 1)) And &HFFFF&
                If c >= &H4E00& And c <= &H9FFF& Then
                    xlcrmLang = "zh"
                    Exit Function
                End If
            Next i
        Next ws
    End If
    xlcrmLang = "en"
    On Error Resume Next  ' LanguageSettings is missing on some Mac builds
    Select Case Application.LanguageSettings.LanguageID(2)  ' msoLanguageIDUI
        Case 2052, 1028, 3076, 4100, 5124: xlcrmLang = "zh"
    End Select
End Function

Private Function Pick(ByVal zhCodes As String, ByVal en As String) As String
    If xlcrmLang() = "zh" Then Pick = U(zhCodes) Else Pick = en
End Function

Private Function U(ByVal codes As String) As String
    Dim parts() As String, i As Long
    parts = Split(codes, " ")
    For i = LBound(parts) To UBound(parts)
        U = U & ChrW(CLng("&H" & parts(i)))
    Next i
End Function
