import{a}from"./65VA3V2R.js";export{a as default};
