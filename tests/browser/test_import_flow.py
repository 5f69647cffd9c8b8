"""The village child director, on a phone: upload a sheet with a mistake, read the preview,
import the good rows, download the rows to fix, fix them, upload again, see the children."""
import openpyxl

from shouhu.registry.models import Child
from shouhu.registry.services import child_register
from tests.browser.test_register_flow import login
from tests.factories import child_values
from tests.intake_util import boy, sheet_row, write_xlsx


def test_zhuren_imports_fixes_and_reimports(live_server, world, phone, tmp_path):
    # the school registered 陆金兰 before, as 陆晶兰 and without her ID number: the import's check finds it
    child_register(actor=world.admin, child=Child(**child_values(world.guangrong, name="陆晶兰", id_number=None, hukou_registered=False)))
    page, base = phone, live_server.url
    sheet = write_xlsx(tmp_path / "光荣村摸底.xlsx", [
        sheet_row(**{"姓名": "陆金兰"}),
        boy(**{"姓名": "陈小虎", "父亲状况": "死亡"}),  # dead, yet "working in 广东": a mistake
        boy(**{"姓名": "陈小龙"}),
    ])
    login(page, base, "zhuren")
    page.goto(base + "/intake/")
    page.set_input_files("#file", str(sheet))
    page.click("button:has-text('上传并检查')")
    page.wait_for_selector("#summary")
    assert page.inner_text("#n-new") == "2" and page.inner_text("#n-rejected") == "1"
    rows = page.inner_text("#rows")
    assert "陈小虎" in rows and "父亲务工地点" in rows and "不应填写务工地点" in rows
    page.screenshot(path="var/screenshot-import-preview.png", full_page=True)

    with page.expect_download() as dl:
        page.click("#download-errors")
    fix = tmp_path / "待修改.xlsx"
    dl.value.save_as(fix)
    page.click("#confirm")
    page.wait_for_selector("#done")
    assert "已导入 2 名儿童" in page.inner_text("#done")
    page.get_by_role("link", name="查看检查进度和结果").click()
    assert "疑似重复档案 1 对" in page.inner_text("#dup-link")

    # fix the one row in the sheet that came back: the father's situation was wrong
    wb = openpyxl.load_workbook(fix)
    ws = wb.active
    header = [c.value for c in ws[1]]
    assert header[-1] == "问题" and ws.max_row == 2
    ws.cell(row=2, column=header.index("父亲状况") + 1, value="外出务工")
    wb.save(fix)

    page.goto(base + "/intake/")
    page.set_input_files("#file", str(fix))
    page.click("button:has-text('上传并检查')")
    page.wait_for_selector("#summary")
    assert page.inner_text("#n-new") == "1" and page.inner_text("#n-rejected") == "0"
    page.click("#confirm")
    page.wait_for_selector("#done")
    page.get_by_role("link", name="查看儿童名单").click()
    text = page.inner_text("main")
    assert "陆金兰" in text and "陈小虎" in text and "陈小龙" in text
