Attribute VB_Name = "xlcrm"
' xlcrm ribbon tab: every button runs one function of xlcrm/excel/ribbon.py through
' xlwings' RunPython, so the ribbon, the UDFs and `xlcrm refresh` share one pipeline.
' Labels follow the active workbook's language (Chinese sheet names or a Chinese Excel).
' Every label and message lives on this add-in's own sheet (key, English, Chinese; built
' from labels.tsv), not in this module: VBA keeps its source in the ANSI code page, which
' would garble Chinese on a computer set to another language.
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
    xlcrmPress "xlcrmRefreshAll"
End Sub

Public Sub xlcrm_Classify(control As IRibbonControl)
    xlcrmPress "xlcrmClassify"
End Sub

Public Sub xlcrm_Churn(control As IRibbonControl)
    xlcrmPress "xlcrmChurn"
End Sub

Public Sub xlcrm_VisitPlan(control As IRibbonControl)
    xlcrmPress "xlcrmVisitPlan"
End Sub

Public Sub xlcrm_ComplaintLog(control As IRibbonControl)
    xlcrmPress "xlcrmComplaintLog"
End Sub

Public Sub xlcrm_Settings(control As IRibbonControl)
    xlcrmPress "xlcrmSettings"
End Sub

Public Sub xlcrm_Help(control As IRibbonControl)
    xlcrmPress "xlcrmHelp"
End Sub

Public Sub xlcrmPress(ByVal id As String)
    ' What the button with this control id does. The ribbon calls it, and so can a macro or
    ' the live test kit: Application.Run "xlcrm.xlam!xlcrmPress", "xlcrmRefreshAll".
    Select Case id
        Case "xlcrmRefreshAll": xlcrmRun "import xlcrm.excel.ribbon as r; r.refresh_all()"
        Case "xlcrmClassify": xlcrmRun "import xlcrm.excel.ribbon as r; r.classify()"
        Case "xlcrmChurn": xlcrmRun "import xlcrm.excel.ribbon as r; r.churn()"
        Case "xlcrmVisitPlan": xlcrmRun "import xlcrm.excel.ribbon as r; r.visit_plan()"
        Case "xlcrmComplaintLog": xlcrmRun "import xlcrm.excel.ribbon as r; r.complaint_log()"
        Case "xlcrmSettings": xlcrmRun "import xlcrm.excel.ribbon as r; r.settings()"
        Case "xlcrmHelp": xlcrmRun "import xlcrm.excel.ribbon as r; r.help()"
    End Select
End Sub

Public Sub xlcrm_GetLabel(control As IRibbonControl, ByRef label)
    label = xlcrmText(control.ID)
End Sub

Public Sub xlcrm_GetScreentip(control As IRibbonControl, ByRef screentip)
    screentip = xlcrmText(control.ID & ".tip")
End Sub

' ---------------------------------------------------------------- helpers

Public Function xlcrmText(ByVal key As String) As String
    ' The text of key in the active workbook's language, from this add-in's sheet.
    Dim sheet As Object, found As Variant, column As Long
    column = 2
    If xlcrmLang() = "zh" Then column = 3
    Set sheet = ThisWorkbook.Worksheets(1)
    found = Application.Match(key, sheet.Columns(1), 0)
    If IsError(found) Then
        xlcrmText = key
    Else
        xlcrmText = CStr(sheet.Cells(found, column).Value)
    End If
End Function

Private Sub xlcrmRun(ByVal pythonCode As String)
    ' RunPython lives in the xlwings add-in; calling it by name keeps this project free of
    ' a compile-time reference to it. RunPython acts on the active workbook (xlwings passes
    ' ActiveWorkbook as the caller), so there must be one.
    Dim errNumber As Long, errText As String
    If ActiveWorkbook Is Nothing Then
        MsgBox xlcrmText("msg.noWorkbook"), vbInformation, "xlcrm"
        Exit Sub
    End If
    On Error GoTo failed
    Application.Run "'" & XLCRM_XLWINGS_ADDIN & "'!RunPython", pythonCode
    On Error GoTo 0
    If Not xlcrmRibbon Is Nothing Then xlcrmRibbon.Invalidate  ' the language may have changed
    Exit Sub
failed:
    ' Err first: xlcrmText runs xlcrmLang, whose On Error Resume Next would clear it.
    errNumber = Err.Number
    errText = Err.Description
    On Error GoTo 0
    MsgBox xlcrmText("msg.noXlwings") & vbCrLf & "xlcrm excel install" & vbCrLf & vbCrLf & _
           "(" & errNumber & ") " & errText, vbExclamation, "xlcrm"
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
